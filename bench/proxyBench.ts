/**
 * `npm run bench:proxy`: latency the Headroom proxy adds over a direct connection to the
 * (fake) upstream and over a bare node:http pass-through, for 10 KB / 200 KB / 2 MB
 * requests; streaming time to first byte; throughput with 50 concurrent clients; peak RSS.
 * The upstream, the bare proxy and Headroom each run in their own process.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedCorpora } from './sharedData';
import { BenchmarkReport } from './benchmarkReport';

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-ant-bench', 'anthropic-version': '2023-06-01' };

function child(args: string[]): Promise<{ url: string; process: ChildProcess }> {
  return new Promise((resolve) => {
    const proc = fork(join(__dirname, 'upstreamProcess.js'), args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    proc.once('message', (url) => resolve({ url: String(url), process: proc }));
  });
}

function headroom(upstream: string): Promise<{ url: string; process: ChildProcess }> {
  return new Promise((resolve) => {
    const store = join(tmpdir(), `headroom-bench-${process.pid}.sqlite`);
    const proc = spawn(
      process.execPath,
      [
        join(__dirname, '..', '..', 'dist', 'cli.mjs'),
        'proxy',
        '--port',
        '0',
        '--store',
        store,
        '--anthropic-upstream',
        upstream,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    proc.stdout!.once('data', (line: Buffer) =>
      resolve({ url: /http:\/\/\S+/.exec(line.toString())![0], process: proc }),
    );
  });
}

/** Milliseconds to the first byte and to the end of the answer. */
function timed(url: string, body: Buffer): Promise<{ first: number; total: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      `${url}/v1/messages`,
      { method: 'POST', agent, headers: { ...headers, 'content-length': body.length } },
      (res) => {
        let first = 0;
        res.on('data', () => {
          first ||= performance.now() - started;
        });
        res.on('end', () => resolve({ first, total: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

function requestBody(size: number, kind: 'text' | 'tool', unique: number, stream = false): Buffer {
  const log = sharedCorpora().bglLog().text;
  const filler = log.repeat(Math.ceil(size / log.length) + 1).slice(0, size);
  const content =
    kind === 'text'
      ? [{ role: 'user', content: filler }]
      : [
          { role: 'user', content: 'What failed?' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} }] },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: `${filler}\nrun ${unique}` }],
          },
        ];
  return Buffer.from(JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64, stream, messages: content }));
}

async function latency(
  url: string,
  size: number,
  kind: 'text' | 'tool',
  uniqueEach: boolean,
  runs: number,
): Promise<{ p50: number; p99: number }> {
  const totals: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    const { total } = await timed(url, requestBody(size, kind, uniqueEach ? i : 0));
    if (i >= 5) totals.push(total);
  }
  return { p50: percentile(totals, 50), p99: percentile(totals, 99) };
}

async function ttfb(url: string, runs: number): Promise<number> {
  const firsts: number[] = [];
  const body = requestBody(10_000, 'text', 0, true);
  for (let i = 0; i < runs + 5; i++) {
    const { first } = await timed(url, body);
    if (i >= 5) firsts.push(first);
  }
  return percentile(firsts, 50);
}

async function throughput(url: string, clients: number, perClient: number): Promise<number> {
  const body = requestBody(10_000, 'tool', 0);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < perClient; i++) await timed(url, body);
    }),
  );
  return (clients * perClient) / ((performance.now() - started) / 1000);
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function main(): Promise<void> {
  const report = new BenchmarkReport('npm run bench:proxy', 'Proxy');
  const upstream = await child([]);
  const bare = await child(['bare', upstream.url]);
  const proxy = await headroom(upstream.url);
  const targets = { direct: upstream.url, bare: bare.url, headroom: proxy.url };
  const rows: string[] = [
    '| case | direct p50 / p99 | bare proxy p50 / p99 | Headroom p50 / p99 | Headroom − bare, p50 |',
    '|---|---:|---:|---:|---:|',
  ];
  const cases: Array<[string, number, 'text' | 'tool', boolean, number]> = [
    ['10 KB, nothing to compress', 10_000, 'text', false, 200],
    ['200 KB, nothing to compress', 200_000, 'text', false, 200],
    ['2 MB, nothing to compress', 2_000_000, 'text', false, 40],
    ['200 KB tool output, compressed (new each request)', 200_000, 'tool', true, 100],
    ['200 KB tool output, compressed (replayed from memo)', 200_000, 'tool', false, 200],
    ['2 MB tool output, compressed (new each request)', 2_000_000, 'tool', true, 20],
  ];
  for (const [label, size, kind, unique, runs] of cases) {
    const d = await latency(targets.direct, size, kind, unique, runs);
    const b = await latency(targets.bare, size, kind, unique, runs);
    const h = await latency(targets.headroom, size, kind, unique, runs);
    rows.push(
      `| ${label} | ${d.p50.toFixed(2)} / ${d.p99.toFixed(2)} ms | ${b.p50.toFixed(2)} / ${b.p99.toFixed(2)} ms | ${h.p50.toFixed(2)} / ${h.p99.toFixed(2)} ms | ${(h.p50 - b.p50).toFixed(2)} ms |`,
    );
  }
  const ttfbRow = `| streaming TTFB (p50) | ${(await ttfb(targets.direct, 200)).toFixed(2)} ms | ${(await ttfb(targets.bare, 200)).toFixed(2)} ms | ${(await ttfb(targets.headroom, 200)).toFixed(2)} ms | |`;
  rows.push(ttfbRow);
  const rps = {
    direct: await throughput(targets.direct, 50, 40),
    bare: await throughput(targets.bare, 50, 40),
    headroom: await throughput(targets.headroom, 50, 40),
  };
  rows.push(
    `| throughput, 50 concurrent clients, 10 KB tool output | ${rps.direct.toFixed(0)} req/s | ${rps.bare.toFixed(0)} req/s | ${rps.headroom.toFixed(0)} req/s | |`,
  );
  report.line(`Node ${process.version}; upstream, bare proxy and Headroom each in their own process on 127.0.0.1.\n`);
  report.line(rows.join('\n'));
  report.line(`\nHeadroom proxy peak RSS: ${peakRssMb(proxy.process.pid!).toFixed(0)} MB`);
  for (const p of [upstream.process, bare.process, proxy.process]) p.kill();
  agent.destroy();
  report.publish();
}

void main();

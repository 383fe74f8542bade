/**
 * `npm run bench:startup`: what a one-shot command costs before it does anything, against a
 * bare `node -e 0`: `headroom --help`, `headroom retrieve`, `headroom compress` on 1 KB with the
 * store opened by the command and through a running proxy, and a proxy's start to "ready".
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, fixtures } from '../test/helpers/corpora';
import { BenchmarkReport } from './benchmarkReport';

const CLI = join(REPO_ROOT, 'dist', 'cli.mjs');
const RUNS = 15;
const WARM_UP = 2;

function wallMs(args: string[], input?: string, env: NodeJS.ProcessEnv = {}): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    input,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function median(run: () => number): number {
  for (let i = 0; i < WARM_UP; i++) run();
  const samples = Array.from({ length: RUNS }, run).sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

async function proxyReadyMs(store: string): Promise<{ ms: number; stop: () => Promise<void>; url: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'proxy', '--port', '0', '--store', store, '--no-embeddings'], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.on(
      'message',
      (message: { type?: string; url?: string }) => message.type === 'ready' && resolve(message.url ?? ''),
    );
    child.once('exit', (code) => reject(new Error(`the proxy exited ${code}`)));
  });
  const ms = performance.now() - started;
  return { ms, url, stop: () => new Promise((resolve) => (child.once('exit', () => resolve()), child.disconnect())) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-startup-'));
  const store = join(dir, 'store.sqlite');
  const log = fixtures.file('logs', 'BGL_2k.log');
  const oneKb = log.slice(0, 1024);
  const stored = spawnSync(process.execPath, [CLI, 'compress', '--store', store, '--stats'], {
    input: log,
    encoding: 'utf8',
  });
  const hash = (JSON.parse(stored.stderr.trim().split('\n').pop() ?? '{}') as { markerHashes?: string[] })
    .markerHashes?.[0];
  if (!hash) throw new Error(`compress stored nothing: ${stored.stderr}`);
  try {
    const node = median(() => wallMs(['-e', '0']));
    const rows: [string, number][] = [
      ['`headroom --help`', median(() => wallMs([CLI, '--help']))],
      ['`headroom retrieve HASH` (opens the store)', median(() => wallMs([CLI, 'retrieve', hash, '--store', store]))],
      ['`headroom compress` 1 KB (opens the store)', median(() => wallMs([CLI, 'compress', '--store', store], oneKb))],
    ];
    const readies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const proxy = await proxyReadyMs(join(dir, `proxy-${i}.sqlite`));
      readies.push(proxy.ms);
      await proxy.stop();
    }
    const proxy = await proxyReadyMs(store);
    try {
      rows.push([
        '`headroom compress` 1 KB (through a running proxy)',
        median(() => wallMs([CLI, 'compress', '--store', store], oneKb)),
      ]);
    } finally {
      await proxy.stop();
    }
    rows.push(['`headroom proxy` start to ready (median of 5)', readies.sort((a, b) => a - b)[2]]);
    const report = new BenchmarkReport('npm run bench:startup', 'Command start-up');
    report.line(
      `Wall time from spawn to exit, median of ${RUNS} runs after ${WARM_UP} untimed ones; the CLI bundle is dist/cli.mjs.\n`,
    );
    report.line('| command | ms | × `node -e 0` |\n|---|---|---|');
    report.line(`| \`node -e 0\` | ${node.toFixed(0)} | 1.0 |`);
    for (const [name, ms] of rows) report.line(`| ${name} | ${ms.toFixed(0)} | ${(ms / node).toFixed(1)} |`);
    report.publish();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

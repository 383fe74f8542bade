/**
 * `npm run bench:mcp`: what an agent waits for from `headroom mcp`: start-up to the first
 * answer, headroom_compress and headroom_retrieve on a 2,000-line log with the store opened
 * per call and through a running proxy, a 50 MB tool output, and the server's peak RSS.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { sharedCorpora } from './sharedData';
import { BenchmarkReport } from './benchmarkReport';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.mjs');
const RUNS = 15;

async function connect(store: string): Promise<{ client: Client; pid: number; startMs: number }> {
  const started = performance.now();
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--store', store] });
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  await client.listTools();
  return { client, pid: transport.pid ?? 0, startMs: performance.now() - started };
}

async function median(times: number, run: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function calls(client: Client, label: string): Promise<string[]> {
  const log = sharedCorpora().bglLog().text;
  let hash = '';
  const compress = await median(RUNS, async () => {
    const result = await client.callTool({
      name: 'headroom_compress',
      arguments: { content: `${log}\n${Math.random()}` },
    });
    hash = (result.structuredContent as { hash: string }).hash;
  });
  const retrieve = await median(RUNS, () =>
    client.callTool({ name: 'headroom_retrieve', arguments: { hash, query: 'data TLB error', limit: 20 } }),
  );
  return [
    `| headroom_compress, 2,000-line log (${label}) | ${compress.toFixed(1)} ms |`,
    `| headroom_retrieve with a query (${label}) | ${retrieve.toFixed(1)} ms |`,
  ];
}

async function main(): Promise<void> {
  const report = new BenchmarkReport('npm run bench:mcp', 'MCP server');
  const dir = mkdtempSync(join(tmpdir(), 'headroom-mcp-bench-'));
  const store = join(dir, 'store.sqlite');
  const rows = ['| measure | median |', '|---|---|'];
  try {
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { client, startMs } = await connect(store);
      starts.push(startMs);
      await client.close();
    }
    rows.push(`| start-up to the first tools/list answer | ${starts.sort((a, b) => a - b)[2].toFixed(0)} ms |`);

    const local = await connect(store);
    rows.push(...(await calls(local.client, 'no proxy: the server opens the store')));
    const lines = sharedCorpora().bglLog().lines;
    const huge: string[] = [];
    for (let size = 0, i = 0; size < 50 * 1024 * 1024; i++) {
      huge.push(lines[i % lines.length]);
      size += lines[i % lines.length].length + 1;
    }
    const big = await median(1, () =>
      local.client.callTool({ name: 'headroom_compress', arguments: { content: huge.join('\n') } }, undefined, {
        timeout: 300_000,
      }),
    );
    rows.push(`| headroom_compress, 50 MB log (one run) | ${(big / 1000).toFixed(1)} s |`);
    rows.push(`| server peak RSS after the 50 MB call | ${rssMb(local.pid).toFixed(0)} MB |`);
    await local.client.close();

    const proxy = spawn(process.execPath, [CLI, 'proxy', '--port', '0', '--store', store], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve) => proxy.stdout.once('data', resolve));
    const viaProxy = await connect(store);
    rows.push(...(await calls(viaProxy.client, 'through the running proxy')));
    await viaProxy.client.close();
    proxy.kill('SIGTERM');
    await new Promise((resolve) => proxy.once('exit', resolve));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report.line(rows.join('\n'));
  report.publish();
}

void main();

/**
 * `npm run bench:store`: the embedded store and a PostgreSQL one (a private server the bench
 * starts, flushing every commit to the disk) at 1k, 10k and 50k items and 50 or 200 MB of
 * originals. For each: what one item costs to write (its original, synced, and its memo entry),
 * the longest the event loop stalled while items were written one per tick (so saves of the
 * database are in it), the p99 lateness of a 5 ms timer meanwhile (a cheap request's wait),
 * and, in a fresh process, the time to open the store and its RSS, against an empty store.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CcrStore, type CcrStoreOptions } from '../src/store/ccrStore';
import { startPostgresCluster } from '../test/helpers/postgresServer';
import { contentHash } from '../src/core/hash';
import { BenchmarkReport } from './benchmarkReport';

const CONFIGS = [
  { items: 1_000, megabytes: 50 },
  { items: 10_000, megabytes: 200 },
  { items: 50_000, megabytes: 200 },
];

/** Log-like text of about `bytes`, different for every `seed`. */
function originalText(seed: number, bytes: number): string {
  const lines: string[] = [];
  for (let size = 0, i = 0; size < bytes; i++) {
    const line = `2026-12-02 10:${String(i % 60).padStart(2, '0')}:00 INFO item ${seed} worker ${i} took ${(seed * 31 + i * 7) % 997} ms`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** Where a store lives: a file, or a database on the bench's PostgreSQL server. */
type Location = Pick<CcrStoreOptions, 'file' | 'postgres'>;

async function fill(location: Location, items: number, bytesEach: number) {
  // The proxy's own saving cadence.
  const store = await CcrStore.open(location);
  const lateness: number[] = [];
  let expected = performance.now() + 5;
  const timer = setInterval(() => {
    const now = performance.now();
    lateness.push(Math.max(0, now - expected));
    expected = now + 5;
  }, 5);
  let writeMs = 0;
  let longestTick = 0;
  let lastTick = performance.now();
  for (let i = 0; i < items; i++) {
    const content = originalText(i, bytesEach);
    const hash = contentHash(content);
    const started = performance.now();
    await store.putOriginal({ hash, content, kind: 'log', tool: 'bench' });
    await store.putCompression(`${hash}:bench`, {
      compressed: true,
      text: content.slice(0, Math.floor(content.length / 5)),
      kind: 'log',
      tokensBefore: 1000,
      tokensAfter: 200,
      transforms: ['bench'],
      markerHashes: [hash],
    });
    // As a request does before its markers go out: the original reaches the disk itself.
    await store.syncOriginals();
    writeMs += performance.now() - started;
    await new Promise((resolve) => setImmediate(resolve));
    const now = performance.now();
    longestTick = Math.max(longestTick, now - lastTick);
    lastTick = now;
  }
  // A save or two more, as traffic stops.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  clearInterval(timer);
  await store.close();
  return {
    perItemMs: writeMs / items,
    longestStallMs: Math.max(longestTick, ...lateness),
    p99LateMs: percentile(lateness, 99),
  };
}

/** Opening the store in a process of its own: wall time of the open, and RSS once open. */
function openInFreshProcess(location: Location): { openMs: number; rssMb: number } {
  const script = `
    const { CcrStore } = require(${JSON.stringify(join(__dirname, '..', 'src', 'store', 'ccrStore.js'))});
    (async () => {
      const started = performance.now();
      const store = await CcrStore.open(${JSON.stringify(location)});
      const openMs = performance.now() - started;
      const rssMb = process.memoryUsage().rss / 1024 / 1024;
      await store.close();
      console.log(JSON.stringify({ openMs, rssMb }));
    })();`;
  const runs = Array.from({ length: 3 }, () => {
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout) as { openMs: number; rssMb: number };
  }).sort((a, b) => a.openMs - b.openMs);
  return runs[1];
}

/** One backend's table: an empty store first, then each size. */
async function measure(report: BenchmarkReport, name: string, location: (label: string) => Promise<Location>) {
  const emptyAt = await location('empty');
  await (await CcrStore.open(emptyAt)).close();
  const empty = openInFreshProcess(emptyAt);
  report.line(`### ${name}`);
  report.line();
  report.line(`Empty store: opens in ${empty.openMs.toFixed(0)} ms, RSS ${empty.rssMb.toFixed(0)} MB.`);
  report.line();
  report.line(
    '| items | originals | write per item | longest stall while writing | p99 timer lateness | open | open vs empty | RSS once open |',
  );
  report.line('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { items, megabytes } of CONFIGS) {
    const at = await location(String(items));
    const filled = await fill(at, items, Math.floor((megabytes * 1024 * 1024) / items));
    const opened = openInFreshProcess(at);
    report.line(
      `| ${items.toLocaleString('en-US')} | ${megabytes} MB | ${filled.perItemMs.toFixed(2)} ms | ${filled.longestStallMs.toFixed(0)} ms | ${filled.p99LateMs.toFixed(1)} ms | ${opened.openMs.toFixed(0)} ms | ${(opened.openMs / empty.openMs).toFixed(1)}× | ${opened.rssMb.toFixed(0)} MB |`,
    );
  }
  report.line();
}

async function main(): Promise<void> {
  const report = new BenchmarkReport('npm run bench:store', 'Store');
  const dir = mkdtempSync(join(tmpdir(), 'headroom-store-bench-'));
  const server = await startPostgresCluster({ durable: true });
  try {
    await measure(report, 'Embedded (sql.js and files)', async (label) => ({
      file: join(dir, `store-${label}.sqlite`),
    }));
    await measure(report, 'PostgreSQL (a local server, every commit flushed)', async () => ({
      postgres: await server.database(),
    }));
    report.line(
      'Embedded, each original is written to its own file under its name before `putOriginal` returns and flushed to the disk by `syncOriginals`, which every path that hands out markers awaits first; on PostgreSQL, its row is committed (and flushed by the server) before `putOriginal` returns. Either way a marker is durable within the request that produced it, and the write per item includes that flush (off the event loop). On PostgreSQL, open and RSS are the client’s: the data stays on the server.',
    );
    report.publish();
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

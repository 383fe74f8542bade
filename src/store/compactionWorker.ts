import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { writeFileAtomic } from './atomicWrite';
import { journalPosition, replay } from './journal';
import { loadSqlJs } from './sqlJs';

/** What the compaction worker is given and answers; see StoreDatabase. */
export type CompactionJob = { snapshot: string; journal: string; upTo: number };
/** `failed`: journaled changes that could not be applied (as at open, skipped and counted). */
export type CompactionResult = { failed: number } | { error: string };

/**
 * Writes a new snapshot: the one on the disk with the journal's first `upTo` bytes applied, and
 * checked, in a thread of its own, so the proxy's event loop never waits for a whole database
 * to be exported.
 */
async function compact({ snapshot, journal, upTo }: CompactionJob): Promise<CompactionResult> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(await readFile(snapshot));
  try {
    const since = journalPosition(db);
    const changes = (await readFile(journal)).subarray(0, upTo).toString('utf8');
    const { lastSeq, failed } = replay(db, changes, since);
    db.run('UPDATE journal_position SET seq = ?', [lastSeq]);
    const check = String(db.exec('PRAGMA quick_check')[0]?.values[0]?.[0]);
    if (check !== 'ok') return { error: `the store's database failed its integrity check (${check})` };
    await writeFileAtomic(snapshot, db.export(), 0o600);
    return { failed };
  } finally {
    db.close();
  }
}

if (parentPort) {
  const port = parentPort;
  compact(workerData as CompactionJob).then(
    (result) => port.postMessage(result),
    (error: Error) => port.postMessage({ error: error.message } satisfies CompactionResult),
  );
}

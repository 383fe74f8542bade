import { readFileSync } from 'node:fs';
import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import type { Database } from 'sql.js';
import { writeFileAtomic } from './atomicWrite';
import type { SqlParam } from './storeSql';

/** One change: its place in the order of changes, the statement and what it binds. */
type Entry = [seq: number, sql: string, params: SqlParam[]];

/**
 * The changes made to the database since its snapshot was written, one JSON line each, appended
 * in the background. A change costs a line instead of a rewrite of the whole database; the
 * snapshot catches up now and then, off the event loop (see StoreDatabase). Not synced per
 * line: what depends on a change surviving a crash (an original) is made durable elsewhere.
 */
export class Journal {
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private handle: FileHandle,
    /** Bytes on the disk (not those pending). */
    public size: number,
  ) {}

  /**
   * Opens the journal for appending and returns what it holds. A line a crash cut short is cut
   * off the file, so the next change does not run into it.
   */
  static async open(path: string): Promise<{ journal: Journal; text: string }> {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const whole = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
    if (whole.length !== text.length) await truncate(path, Buffer.byteLength(whole));
    const handle = await open(path, 'a', 0o600);
    return { journal: new Journal(path, handle, Buffer.byteLength(whole)), text: whole };
  }

  append(seq: number, sql: string, params: SqlParam[]): void {
    this.pending.push(`${JSON.stringify([seq, sql, params] satisfies Entry)}\n`);
  }

  /** Appends what is pending; resolves once it is written (rejects if it could not be). */
  flush(): Promise<void> {
    return this.serially(async () => {
      if (this.pending.length === 0) return;
      const lines = this.pending;
      this.pending = [];
      const data = Buffer.from(lines.join(''));
      try {
        await this.handle.write(data, 0, data.length);
      } catch (error) {
        // Part of it may have landed (disk full): cut that off, and try the lines again next time.
        await this.handle.truncate(this.size).catch(() => undefined);
        this.pending = [...lines, ...this.pending];
        throw error;
      }
      this.size += data.length;
    });
  }

  /** Drops the first `bytes` (changes a new snapshot holds), keeping what was appended since. */
  dropPrefix(bytes: number): Promise<void> {
    return this.serially(async () => {
      const rest = (await readFile(this.path)).subarray(bytes);
      // Until the shorter file is in place the old one stays open and whole: its first changes are
      // in the snapshot, and replaying skips those.
      await writeFileAtomic(this.path, rest, 0o600);
      const old = this.handle;
      this.handle = await open(this.path, 'a', 0o600);
      this.size = rest.length;
      await old.close();
    });
  }

  /** Writes what is pending and flushes the file to the disk. */
  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.serially(async () => {
      await this.handle.sync();
      await this.handle.close();
    });
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const run = this.writing.then(step);
    // The next step runs whether or not this one failed; this one's caller hears of its failure.
    this.writing = run.catch(() => undefined);
    return run;
  }
}

/** The last journaled change a snapshot holds (0 for one from before the journal). */
export function journalPosition(db: Database): number {
  try {
    return Number(db.exec('SELECT seq FROM journal_position')[0]?.values[0]?.[0] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Runs the journal's changes after `afterSeq` on `db`, in order. A change that fails now
 * failed nowhere before (only changes that succeeded are journaled), so it is skipped and
 * counted rather than stopping the rest.
 */
export function replay(db: Database, text: string, afterSeq: number): { lastSeq: number; failed: number } {
  let lastSeq = afterSeq;
  let failed = 0;
  const statements = new Map<string, ReturnType<Database['prepare']>>();
  // One transaction: committing each change on its own would take several times as long.
  db.exec('BEGIN');
  try {
    for (const line of text.split('\n')) {
      if (!line) continue;
      let entry: Entry;
      try {
        entry = JSON.parse(line) as Entry;
      } catch {
        failed++;
        continue;
      }
      const [seq, sql, params] = entry;
      if (seq <= afterSeq) continue;
      try {
        let statement = statements.get(sql);
        if (!statement) statements.set(sql, (statement = db.prepare(sql)));
        statement.run(params);
      } catch {
        failed++;
      }
      lastSeq = Math.max(lastSeq, seq);
    }
  } finally {
    for (const statement of statements.values()) statement.free();
    db.exec('COMMIT');
  }
  return { lastSeq, failed };
}

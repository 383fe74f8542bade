import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { errorMessage } from '../shared/errorMessage';
import { writeFileAtomic } from './atomicWrite';
import type { CompactionJob, CompactionResult } from './compactionWorker';
import { FileLock } from './fileLock';
import { Journal, journalPosition, replay } from './journal';
import { loadSqlJs } from './sqlJs';
import type { Row, SqlParam, StoreSql } from './storeSql';

export interface StoreDatabaseOptions {
  /** Where the database lives; without a file it is kept in memory only. */
  file?: string;
  /** How long changes are gathered before they are appended to the journal. */
  debounceMs?: number;
  /** How long to wait for another process to release the file before giving up with StoreLocked (default 0). */
  lockWaitMs?: number;
  /** Told about recoverable trouble, such as a corrupt file that was moved aside. */
  onWarning?: (message: string) => void;
  /**
   * How long the store must have been open before it writes a new snapshot (default 5 s), so a
   * process that opens it for one call and closes it again never waits for one.
   */
  snapshotDelayMs?: number;
}

/** Brings a database just loaded to the schema this version uses; true when it changed it. */
export type Migration = (db: Database) => boolean | Promise<boolean>;

/**
 * How far the journal grows before a new snapshot is written. Replaying it is what an open
 * waits for; writing the snapshot costs the worker in proportion to the whole database.
 */
const JOURNAL_LIMIT = 64 * 1024;

/**
 * The store's one database, and the only code that touches it: a sql.js database in memory,
 * on disk as a snapshot (`store.sqlite`, an SQLite file) and a journal of the changes made
 * since (`store.sqlite.journal`). A change is a line appended in the background; when the
 * journal has grown, a worker thread applies it to the snapshot and writes that, so no save
 * ever holds up the event loop. Opening loads the snapshot and replays the journal.
 */
export class StoreDatabase implements StoreSql {
  readonly shared = false;
  private readonly statements = new Map<string, Statement>();
  private timer: NodeJS.Timeout | undefined;
  private compaction: Promise<void> | undefined;
  /** The journal size past which the next snapshot is written. */
  private compactAt = JOURNAL_LIMIT;
  private compactTimer: NodeJS.Timeout | undefined;
  /** Set once the store has been open a while: see snapshotDelayMs. */
  private mayCompact = false;
  private closed = false;

  private constructor(
    private readonly db: Database,
    private readonly options: StoreDatabaseOptions,
    private readonly journal?: Journal,
    private readonly lock?: FileLock,
    private nextSeq = 1,
  ) {}

  /** Opens (or creates) the database; throws StoreLocked when another process holds the file. */
  static async open(options: StoreDatabaseOptions, migration: Migration): Promise<StoreDatabase> {
    const SQL = await loadSqlJs();
    const { file } = options;
    if (!file) {
      const db = new SQL.Database();
      await migration(db);
      return new StoreDatabase(db, options);
    }
    await mkdir(dirname(file), { recursive: true });
    const lock = await FileLock.acquireWithin(file, options.lockWaitMs ?? 0);
    try {
      removeLeftovers(file);
      const { db, bytes } = await loadSnapshot(SQL, file, options);
      const snapshotSeq = bytes === 0 ? 0 : journalPosition(db);
      const { journal, text } = await Journal.open(journalFile(file));
      const { lastSeq, failed } = replay(db, text, snapshotSeq);
      if (failed > 0) options.onWarning?.(`Headroom store ${file}: ${failed} journaled changes could not be replayed.`);
      if ((await migration(db)) || bytes === 0) {
        // The journal was replayed into the migrated database: the snapshot written now holds it.
        db.run('UPDATE journal_position SET seq = ?', [lastSeq]);
        const exported = db.export();
        await writeFileAtomic(file, exported, 0o600);
        await journal.dropPrefix(journal.size);
      }
      // Its rollback journal in memory, not in the wasm module's file system: each change commits sooner.
      db.exec('PRAGMA journal_mode = MEMORY');
      const database = new StoreDatabase(db, options, journal, lock, lastSeq + 1);
      const delay = options.snapshotDelayMs ?? 5_000;
      database.mayCompact = delay === 0;
      database.compactTimer = setTimeout(() => {
        database.mayCompact = true;
        database.compactIfDue();
      }, delay).unref();
      return database;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  async run(sql: string, params: SqlParam[] = []): Promise<number> {
    return this.change(sql, params);
  }

  async insert(sql: string, params: SqlParam[] = []): Promise<number> {
    this.change(sql, params);
    return Number(this.first('SELECT last_insert_rowid()'));
  }

  async row(sql: string, params: SqlParam[] = []): Promise<Row | undefined> {
    return this.rowNow(sql, params);
  }

  async scalar(sql: string, params: SqlParam[] = []): Promise<unknown> {
    return this.first(sql, params);
  }

  async all(sql: string, params: SqlParam[] = []): Promise<unknown[][]> {
    return this.rows(sql, params);
  }

  async column(sql: string, params: SqlParam[] = []): Promise<string[]> {
    return this.rows(sql, params).map((row) => String(row[0]));
  }

  /** A change, journaled once it changed something. */
  private change(sql: string, params: SqlParam[]): number {
    this.prepared(sql).run(params);
    const changed = this.db.getRowsModified();
    if (this.journal && changed > 0 && !this.closed) {
      this.journal.append(this.nextSeq++, sql, params);
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.flush().catch(() => undefined);
      }, this.options.debounceMs ?? 500).unref();
    }
    return changed;
  }

  private rowNow(sql: string, params: SqlParam[] = []): Row | undefined {
    const statement = this.prepared(sql);
    try {
      statement.bind(params);
      return statement.step() ? statement.getAsObject() : undefined;
    } finally {
      statement.reset();
    }
  }

  private first(sql: string, params: SqlParam[] = []): SqlValue | undefined {
    const row = this.rowNow(sql, params);
    return row ? (Object.values(row)[0] as SqlValue) : undefined;
  }

  private rows(sql: string, params: SqlParam[]): SqlValue[][] {
    const statement = this.prepared(sql);
    const rows: SqlValue[][] = [];
    try {
      statement.bind(params);
      while (statement.step()) rows.push(statement.get());
    } finally {
      statement.reset();
    }
    return rows;
  }

  /** Appends the changes made so far to the journal; resolves once they are written. */
  async flush(): Promise<void> {
    if (!this.journal) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    try {
      await this.journal.flush();
    } catch (error) {
      this.options.onWarning?.(`Headroom store ${this.options.file} could not be written: ${errorMessage(error)}`);
      throw error;
    }
    this.compactIfDue();
  }

  /** Resolves once the snapshot being written, if any, is done. */
  async settled(): Promise<void> {
    await this.compaction;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.compactTimer);
    await this.flush().catch(() => undefined);
    await this.compaction;
    // A process that ran a while (a proxy) leaves a snapshot holding everything: the next open replays nothing.
    if (this.mayCompact && (this.journal?.size ?? 0) > 0) {
      this.compactAt = 0;
      this.compactIfDue();
      await this.compaction;
    }
    this.mayCompact = false;
    this.closed = true;
    await this.journal?.close().catch(() => undefined);
    for (const statement of this.statements.values()) statement.free();
    this.db.close();
    this.lock?.release();
  }

  private prepared(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      // Preparing parses the SQL inside the wasm module, which costs more than running a small query.
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private compactIfDue(): void {
    const { journal, options } = this;
    if (!journal || !options.file || !this.mayCompact || this.compaction || journal.size < this.compactAt) return;
    const job: CompactionJob = { snapshot: options.file, journal: journalFile(options.file), upTo: journal.size };
    const compact = async (): Promise<boolean> => {
      try {
        const result = await inWorker(job);
        if (!('error' in result)) {
          if (result.failed > 0)
            options.onWarning?.(
              `Headroom store ${options.file}: ${result.failed} journaled changes could not be replayed.`,
            );
          await journal.dropPrefix(job.upTo);
          return true;
        }
        options.onWarning?.(`Headroom store ${options.file}: a new snapshot could not be written: ${result.error}`);
      } catch (error) {
        options.onWarning?.(`Headroom store ${options.file}: ${errorMessage(error)}`);
      }
      return false;
    };
    this.compaction = compact().then((done) => {
      // After a failure, the next attempt waits for the journal to grow as much again.
      this.compactAt = done ? JOURNAL_LIMIT : journal.size + JOURNAL_LIMIT;
      this.compaction = undefined;
    });
  }
}

export const journalFile = (file: string) => `${file}.journal`;

function inWorker(job: CompactionJob): Promise<CompactionResult> {
  return new Promise((resolve) => {
    const worker = new Worker(join(__dirname, 'compactionWorker.js'), { workerData: job });
    worker.once('message', (result: CompactionResult) => resolve(result));
    worker.once('error', (error) => resolve({ error: error.message }));
    worker.once('exit', (code) => resolve({ error: `the snapshot writer stopped (exit code ${code})` }));
  });
}

/** Temporary files of writes a crash cut short; the lock just taken says none is under way. */
function removeLeftovers(file: string): void {
  const prefix = `${basename(file)}.`;
  for (const name of readdirSync(dirname(file)))
    if (name.startsWith(prefix) && name.endsWith('.tmp')) rmSync(join(dirname(file), name), { force: true });
}

/**
 * The snapshot, and its size (0 when there is none yet). Reading a few pages is enough to
 * tell an SQLite file from something else; the full integrity check runs whenever a new
 * snapshot is written, in its worker.
 */
async function loadSnapshot(
  SQL: SqlJsStatic,
  file: string,
  options: StoreDatabaseOptions,
): Promise<{ db: Database; bytes: number }> {
  let bytes: Uint8Array | undefined;
  try {
    // Read at once: nothing is being served yet, and a read in the background's chunks takes several times as long.
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return startFresh(SQL, file, options, errorMessage(error));
  }
  if (!bytes || bytes.length === 0) return { db: new SQL.Database(), bytes: 0 };
  let db: Database | undefined;
  try {
    db = new SQL.Database(bytes);
    db.exec('SELECT COUNT(*) FROM sqlite_master');
    return { db, bytes: bytes.length };
  } catch (error) {
    db?.close();
    return startFresh(SQL, file, options, errorMessage(error));
  }
}

/** A file that cannot be read is kept for inspection under another name, its journal with it; work goes on with an empty store. */
async function startFresh(
  SQL: SqlJsStatic,
  file: string,
  options: StoreDatabaseOptions,
  why: string,
): Promise<{ db: Database; bytes: number }> {
  const aside = `${file}.corrupt-${Date.now()}`;
  try {
    await rename(file, aside);
    if (existsSync(journalFile(file))) renameSync(journalFile(file), `${aside}.journal`);
    options.onWarning?.(
      `Headroom store ${file} could not be read (${why}); moved it to ${aside} and started a fresh store.`,
    );
  } catch (error) {
    options.onWarning?.(
      `Headroom store ${file} could not be read (${why}) nor moved aside (${errorMessage(error)}); starting a fresh store.`,
    );
  }
  return { db: new SQL.Database(), bytes: 0 };
}

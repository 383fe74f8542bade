import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { FileLock } from './fileLock';
import { errorMessage } from '../shared/errorMessage';
import { writeFileAtomic } from './atomicWrite';

export interface SqliteFileOptions {
  /** Where the database lives; without a file it is kept in memory only. */
  file?: string;
  /** How long writes are gathered before the file is rewritten. */
  debounceMs?: number;
  /** How long to wait for another process to release the file before giving up with StoreLocked (default 0). */
  lockWaitMs?: number;
  /** Told about recoverable trouble, such as a corrupt file that was moved aside. */
  onWarning?: (message: string) => void;
}

let sqlJs: Promise<SqlJsStatic> | undefined;

/** Temporary files of saves a crash cut short; the lock just taken says no save is under way. */
function removeLeftovers(file: string): void {
  const prefix = `${basename(file)}.`;
  for (const name of readdirSync(dirname(file)))
    if (name.startsWith(prefix) && name.endsWith('.tmp')) rmSync(join(dirname(file), name), { force: true });
}

/** The wasm sits beside the bundle in dist/, or in the sql.js package when running from source. */
function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs({
    locateFile: (name: string) => {
      const bundled = join(__dirname, name);
      return existsSync(bundled) ? bundled : join(dirname(require.resolve('sql.js')), name);
    },
  });
  return sqlJs;
}

/**
 * A sql.js database persisted to one file. sql.js works in memory, so the file is rewritten
 * whole: debounced, written to a temporary file, synced, then renamed over the old one, so a
 * crash leaves either the old or the new file, never half of one.
 */
export class SqliteFile {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private closed = false;

  private lock: FileLock | undefined;

  private constructor(
    readonly db: Database,
    private readonly options: SqliteFileOptions,
  ) {}

  /** Opens (or creates) the store; throws StoreLocked when another process holds the file. */
  static async open(options: SqliteFileOptions = {}): Promise<SqliteFile> {
    const SQL = await loadSqlJs();
    const { file } = options;
    if (!file) return new SqliteFile(new SQL.Database(), options);
    await mkdir(dirname(file), { recursive: true });
    const lock = await FileLock.acquireWithin(file, options.lockWaitMs ?? 0);
    try {
      removeLeftovers(file);
      const opened = await SqliteFile.openFile(SQL, { ...options, file });
      opened.lock = lock;
      return opened;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  private static async openFile(SQL: SqlJsStatic, options: SqliteFileOptions & { file: string }): Promise<SqliteFile> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await readFile(options.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        return SqliteFile.startFresh(SQL, options, errorMessage(error));
    }
    if (!bytes || bytes.length === 0) return SqliteFile.created(SQL, options);
    try {
      const db = new SQL.Database(bytes);
      const check = db.exec('PRAGMA quick_check');
      if (check[0]?.values[0]?.[0] !== 'ok') throw new Error('integrity check failed');
      return new SqliteFile(db, options);
    } catch (error) {
      return SqliteFile.startFresh(SQL, options, errorMessage(error));
    }
  }

  /** A file that cannot be read is kept for inspection under another name; work goes on with an empty store. */
  private static async startFresh(SQL: SqlJsStatic, options: SqliteFileOptions, why: string): Promise<SqliteFile> {
    const file = options.file!;
    const aside = `${file}.corrupt-${Date.now()}`;
    try {
      await rename(file, aside);
      options.onWarning?.(
        `Headroom store ${file} could not be read (${why}); moved it to ${aside} and started a fresh store.`,
      );
    } catch (error) {
      options.onWarning?.(
        `Headroom store ${file} could not be read (${why}) nor moved aside (${errorMessage(error)}); starting a fresh store.`,
      );
    }
    return SqliteFile.created(SQL, options);
  }

  /** A new database is written once even if nothing goes into it, so the file and its schema exist. */
  private static created(SQL: SqlJsStatic, options: SqliteFileOptions): SqliteFile {
    const file = new SqliteFile(new SQL.Database(), options);
    file.markDirty();
    return file;
  }

  /** Schedules a write of the whole database. */
  markDirty(): void {
    if (!this.options.file || this.closed) return;
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.debounceMs ?? 500);
    this.timer.unref();
  }

  /** Writes pending changes now; resolves once they are on disk. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writing = this.writing.then(() => this.writeIfDirty());
    return this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.db.close();
    this.lock?.release();
  }

  private async writeIfDirty(): Promise<void> {
    const file = this.options.file;
    if (!this.dirty || !file || this.closed) return;
    this.dirty = false;
    const bytes = this.db.export();
    try {
      await writeFileAtomic(file, bytes, 0o600);
    } catch (error) {
      this.dirty = true;
      this.options.onWarning?.(`Headroom store ${file} could not be written: ${errorMessage(error)}`);
    }
  }
}

import { DEFAULT_TTL_DAYS } from '../shared/defaults';
import { retrieveOriginal, type RetrieveOptions, type RetrieveOutcome } from '../core/retrieve';
import type { CachedCompression, CompressionStore, ContentKind, StoredOriginal } from '../core/types';
import { createHash } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { OriginalFiles } from './originalFiles';
import { DiskTextFiles, MemoryTextFiles, type TextFiles } from './textFiles';
import { SqliteFile, type SqliteFileOptions } from './sqliteFile';
import { Statements } from './statements';

export interface CcrStoreOptions extends SqliteFileOptions {
  /** Originals unused for this long are dropped (default 7 days). */
  ttlMs?: number;
  /** Total size of stored originals, in bytes, above which the least recently used go (default 256 MB). */
  maxBytes?: number;
  /** The clock, replaceable in tests. */
  now?: () => number;
}

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
export const DEFAULT_TTL_MS = DEFAULT_TTL_DAYS * DAY;
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
/** How many replays read lately are kept in memory (each holds one compressed output). */
const RECENT_REPLAYS = 4_096;
/** How many evicted hashes are remembered, so a late retrieve can say why its original is gone. */
const EVICTION_MEMORY = 10_000;

/** The characters of an original kept in the database, as the items list shows them. */
export const PREVIEW_LENGTH = 240;

/**
 * The originals' contents live in files (OriginalFiles); the database knows each one's
 * size, access time and first characters. Version 2 of the schema; version 1 held the
 * contents in a BLOB column and is migrated on open.
 */
const SCHEMA_VERSION = 2;
const SCHEMA = `
CREATE TABLE IF NOT EXISTS originals (
  hash TEXT PRIMARY KEY, kind TEXT NOT NULL, tool TEXT, bytes INTEGER NOT NULL, preview TEXT NOT NULL,
  created_at INTEGER NOT NULL, accessed_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS originals_accessed ON originals(accessed_at);
CREATE TABLE IF NOT EXISTS compressions (
  key TEXT PRIMARY KEY, hash TEXT NOT NULL, marker_hashes TEXT NOT NULL, value TEXT NOT NULL, accessed_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS compressions_hash ON compressions(hash);
CREATE TABLE IF NOT EXISTS evictions (hash TEXT PRIMARY KEY, reason TEXT NOT NULL, at INTEGER NOT NULL);
`;

/**
 * The CCR store: every original a compressor dropped content from, keyed by content hash,
 * each in a file of its own written before it is named anywhere, and the memo of finished
 * compressions, in a sql.js database persisted to one file beside them.
 */
export class CcrStore implements CompressionStore {
  private totalBytes: number;
  private readonly ttlMs: number;
  /** How old an access time may get before a read brings it forward (a small share of the TTL). */
  private readonly touchAfterMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  private readonly sql: Statements;
  /**
   * Replays read lately, kept in memory: agents re-send every output on every turn, and a
   * replay from SQL (the row, its JSON, a check per marker's original) is most of a warm
   * request's time. Emptied whenever an original or a replay is deleted, so a marker whose
   * original is gone is never replayed from here.
   */
  private readonly recentReplays = new Map<string, { value: CachedCompression; readAt: number }>();
  /** Present while a process has the store open; found at open, it says the last one did not close it. */
  private running: string | undefined;

  private constructor(
    private readonly file: SqliteFile,
    private readonly originals: OriginalFiles,
    /** The compressed texts of memo entries, which would otherwise make the database as large as they are. */
    private readonly memoTexts: TextFiles,
    options: CcrStoreOptions,
  ) {
    this.sql = new Statements(file.db);
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.touchAfterMs = Math.min(HOUR, this.ttlMs / 100);
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.now = options.now ?? Date.now;
    this.totalBytes = Number(this.sql.scalar('SELECT COALESCE(SUM(bytes), 0) FROM originals') ?? 0);
  }

  static async open(options: CcrStoreOptions = {}): Promise<CcrStore> {
    const file = await SqliteFile.open(options);
    const { file: path } = options;
    const originals = new OriginalFiles(path ? new DiskTextFiles(`${path}.originals`, true) : new MemoryTextFiles());
    // Not synced: a memo entry lost in a crash is only compressed again.
    const memoTexts = path ? new DiskTextFiles(`${path}.memo`, false) : new MemoryTextFiles();
    if (migrate(file.db, originals, memoTexts)) {
      // The database that no longer holds the contents is saved only once their files are on the disk.
      await originals.files.sync();
      file.markDirty();
    }
    const store = new CcrStore(file, originals, memoTexts, options);
    // A store that was not closed (its process killed) may hold originals its database does not know yet.
    const running = path && `${path}.running`;
    if (running && existsSync(running)) store.reconcile();
    if (running) writeFileSync(running, String(process.pid), { mode: 0o600 });
    store.running = running || undefined;
    store.prune();
    return store;
  }

  /**
   * Brings the database in line with the files after a crash: an original written after the
   * last save gets its row back (so it is counted and can be evicted), a row whose file is gone
   * is dropped.
   */
  private reconcile(): void {
    const files = new Set(this.originals.sweep());
    const rows = new Set(this.column('SELECT hash FROM originals'));
    for (const hash of rows) if (!files.has(hash)) this.evict(hash, 'its file was missing when the store opened');
    for (const hash of files) {
      if (rows.has(hash)) continue;
      const original = this.originals.read(hash);
      if (original) this.insertRow(original);
      else this.originals.remove(hash);
    }
    const memoIds = new Set(this.column('SELECT key FROM compressions').map(memoId));
    for (const id of this.memoTexts.sweep()) if (!memoIds.has(id)) this.memoTexts.remove(id);
  }

  get db(): SqliteFile['db'] {
    return this.file.db;
  }

  /** The database file, for other tables that live beside the originals (stats). */
  get sqlite(): SqliteFile {
    return this.file;
  }

  /**
   * Stores an original: its file is complete under its name before this returns (so it
   * survives the process being killed) and on the disk itself once `syncOriginals` resolves.
   * Throws when it cannot be written (disk full, read-only): then the caller must not hand out
   * a marker for it.
   */
  putOriginal(original: StoredOriginal): void {
    const existing = this.sql.scalar('SELECT bytes FROM originals WHERE hash = ?', [original.hash]);
    if (existing === undefined) {
      this.originals.write(original);
      this.insertRow(original);
      this.sql.run('DELETE FROM evictions WHERE hash = ?', [original.hash]);
      this.evictOverCap(original.hash);
    } else {
      this.sql.run('UPDATE originals SET accessed_at = ? WHERE hash = ?', [this.now(), original.hash]);
      this.file.markDirty();
    }
  }

  private insertRow(original: StoredOriginal): void {
    const now = this.now();
    const bytes = Buffer.byteLength(original.content, 'utf8');
    this.sql.run(
      'INSERT INTO originals (hash, kind, tool, bytes, preview, created_at, accessed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [original.hash, original.kind, original.tool ?? null, bytes, original.content.slice(0, PREVIEW_LENGTH), now, now],
    );
    this.totalBytes += bytes;
    this.file.markDirty();
  }

  getOriginal(hash: string): StoredOriginal | undefined {
    const row = this.sql.row('SELECT accessed_at FROM originals WHERE hash = ?', [hash]);
    if (!row) return undefined;
    if (Number(row.accessed_at) < this.now() - this.ttlMs) {
      this.evict(hash, 'expired');
      return undefined;
    }
    const original = this.originals.read(hash);
    if (!original) {
      this.evict(hash, 'its file could not be read');
      return undefined;
    }
    // Exact, unlike a replayed compression's: a retrieval is what the size cap's LRU order is for.
    this.sql.run('UPDATE originals SET accessed_at = ? WHERE hash = ?', [this.now(), hash]);
    this.file.markDirty();
    return original;
  }

  /** The first characters of an original (up to PREVIEW_LENGTH), read without loading it. */
  preview(hash: string, length: number): string {
    const value = this.sql.scalar('SELECT substr(preview, 1, ?) FROM originals WHERE hash = ?', [length, hash]);
    return value === undefined || value === null ? '' : String(value);
  }

  /** The original or the part of it asked for; an unknown or evicted hash gives an error message, never an exception. */
  retrieve(hash: string, options: RetrieveOptions = {}): Promise<RetrieveOutcome> {
    return retrieveOriginal(
      hash,
      options,
      (clean) => this.getOriginal(clean),
      (clean) => this.whyMissing(clean),
    );
  }

  private whyMissing(clean: string): string {
    const eviction = this.sql.row('SELECT reason, at FROM evictions WHERE hash = ?', [clean]);
    if (eviction) {
      const when = new Date(Number(eviction.at)).toISOString();
      return `The original for hash ${clean} is no longer stored (${String(eviction.reason)} at ${when}). Re-run the tool to get it again.`;
    }
    return `No original is stored for hash ${clean}. Check the hash against the marker; originals are kept for ${Math.round(this.ttlMs / DAY)} days.`;
  }

  getCompression(key: string): CachedCompression | undefined {
    const recent = this.recentReplays.get(key);
    // Within touchAfterMs of its last read a replay needs no write, and it cannot have expired.
    if (recent && recent.readAt >= this.now() - this.touchAfterMs) return recent.value;
    const value = this.replayFromSql(key);
    if (value) this.rememberReplay(key, value);
    return value;
  }

  private rememberReplay(key: string, value: CachedCompression): void {
    this.recentReplays.delete(key);
    if (this.recentReplays.size >= RECENT_REPLAYS) this.recentReplays.delete(this.recentReplays.keys().next().value!);
    this.recentReplays.set(key, { value, readAt: this.now() });
  }

  private replayFromSql(key: string): CachedCompression | undefined {
    const row = this.sql.row('SELECT value, marker_hashes, accessed_at FROM compressions WHERE key = ?', [key]);
    if (!row) return undefined;
    const value = JSON.parse(String(row.value)) as CachedCompression;
    // Entries written before the texts moved to files still hold theirs.
    if (value.compressed && value.text === undefined) value.text = this.memoTexts.read(memoId(key))?.text;
    const needed = String(row.marker_hashes).split(' ').filter(Boolean);
    if (
      Number(row.accessed_at) < this.now() - this.ttlMs ||
      (value.compressed && value.text === undefined) ||
      needed.some((h) => this.sql.scalar('SELECT 1 FROM originals WHERE hash = ?', [h]) === undefined)
    ) {
      this.deleteCompressions('key = ?', [key]);
      return undefined;
    }
    // Agents re-send every output each turn: the access time is only brought forward once it
    // is a share of the TTL old, so a replay is a read and not a write to the whole database.
    const now = this.now();
    if (Number(row.accessed_at) < now - this.touchAfterMs) {
      this.sql.run('UPDATE compressions SET accessed_at = ? WHERE key = ?', [now, key]);
      for (const h of needed) this.sql.run('UPDATE originals SET accessed_at = ? WHERE hash = ?', [now, h]);
      this.file.markDirty();
    }
    return value;
  }

  putCompression(key: string, value: CachedCompression): void {
    this.recentReplays.delete(key);
    const { text, ...decision } = value;
    if (value.compressed && text !== undefined) {
      try {
        this.memoTexts.write(memoId(key), {}, text);
      } catch {
        // No memo, then: the output is compressed again next time, as if it were new.
        return;
      }
    }
    this.sql.run(
      'INSERT OR REPLACE INTO compressions (key, hash, marker_hashes, value, accessed_at) VALUES (?, ?, ?, ?, ?)',
      [key, key.split(':')[0], value.markerHashes.join(' '), JSON.stringify(decision), this.now()],
    );
    this.file.markDirty();
  }

  /** Deletes memo entries, their texts with them. */
  private deleteCompressions(where: string, params: Array<string | number>): number {
    const keys = this.column(`SELECT key FROM compressions WHERE ${where}`, params);
    if (keys.length === 0) return 0;
    for (const key of keys) this.memoTexts.remove(memoId(key));
    this.sql.run(`DELETE FROM compressions WHERE ${where}`, params);
    this.recentReplays.clear();
    this.file.markDirty();
    return keys.length;
  }

  /** Drops originals and memo entries past their TTL. */
  prune(): void {
    this.recentReplays.clear();
    const cutoff = this.now() - this.ttlMs;
    const expired = this.column('SELECT hash FROM originals WHERE accessed_at < ?', [cutoff]);
    for (const hash of expired) this.evict(hash, 'expired');
    const changed =
      this.deleteCompressions('accessed_at < ?', [cutoff]) +
      this.sql.run(
        `DELETE FROM evictions WHERE hash NOT IN (SELECT hash FROM evictions ORDER BY at DESC LIMIT ${EVICTION_MEMORY})`,
      );
    // A store opened for one read (`headroom retrieve`) is not written back for nothing.
    if (changed > 0) this.file.markDirty();
  }

  summary(): { originals: number; bytes: number; compressions: number } {
    return {
      originals: Number(this.sql.scalar('SELECT COUNT(*) FROM originals') ?? 0),
      bytes: this.totalBytes,
      compressions: Number(this.sql.scalar('SELECT COUNT(*) FROM compressions') ?? 0),
    };
  }

  /**
   * Resolves once every original stored so far is on the disk itself; rejects if one could not
   * be flushed. Whoever hands out markers awaits it first.
   */
  syncOriginals(): Promise<void> {
    return this.originals.files.sync();
  }

  flush(): Promise<void> {
    return this.file.flush();
  }

  async close(): Promise<void> {
    await this.file.close();
    if (this.running) rmSync(this.running, { force: true });
  }

  private evictOverCap(keep: string): void {
    while (this.totalBytes > this.maxBytes) {
      const oldest = this.sql.scalar('SELECT hash FROM originals WHERE hash != ? ORDER BY accessed_at ASC LIMIT 1', [
        keep,
      ]);
      if (oldest === undefined) return;
      this.evict(String(oldest), 'evicted to keep the store under its size cap');
    }
  }

  /** Removes an original and every memo entry whose markers point at it. */
  private evict(hash: string, reason: string): void {
    this.recentReplays.clear();
    const bytes = Number(this.sql.scalar('SELECT bytes FROM originals WHERE hash = ?', [hash]) ?? 0);
    this.sql.run('DELETE FROM originals WHERE hash = ?', [hash]);
    this.originals.remove(hash);
    this.deleteCompressions("hash = ? OR instr(' ' || marker_hashes || ' ', ' ' || ? || ' ') > 0", [hash, hash]);
    this.sql.run('INSERT OR REPLACE INTO evictions (hash, reason, at) VALUES (?, ?, ?)', [hash, reason, this.now()]);
    this.totalBytes -= bytes;
    this.file.markDirty();
  }

  private column(sql: string, params: Array<string | number | null> = []): string[] {
    const result = this.db.exec(sql, params);
    return result.length === 0 ? [] : result[0].values.map((v) => String(v[0]));
  }
}

/**
 * Creates the schema, or brings an older one to SCHEMA_VERSION (true when it changed the
 * database): version 1 kept each original's content in the database; each goes to its file.
 */
function migrate(db: SqliteFile['db'], originals: OriginalFiles, memoTexts: TextFiles): boolean {
  const version = Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
  if (version >= SCHEMA_VERSION) return false;
  const columns = db.exec("SELECT name FROM pragma_table_info('originals')")[0]?.values.map((v) => String(v[0])) ?? [];
  if (columns.includes('content')) {
    db.exec('ALTER TABLE originals RENAME TO originals_v1; DROP INDEX IF EXISTS originals_accessed;');
    db.exec(SCHEMA);
    const rows = db.prepare('SELECT hash, content, kind, tool, bytes, created_at, accessed_at FROM originals_v1');
    const insert = db.prepare(
      'INSERT INTO originals (hash, kind, tool, bytes, preview, created_at, accessed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    try {
      while (rows.step()) {
        const [hash, content, kind, tool, bytes, createdAt, accessedAt] = rows.get();
        const text = asText(content);
        originals.write({
          hash: String(hash),
          content: text,
          kind: kind as ContentKind,
          tool: tool ? String(tool) : undefined,
        });
        insert.run([hash, kind, tool, bytes, text.slice(0, PREVIEW_LENGTH), createdAt, accessedAt]);
      }
    } finally {
      rows.free();
      insert.free();
    }
    const memo = db.prepare('SELECT key, value FROM compressions');
    const update = db.prepare('UPDATE compressions SET value = ? WHERE key = ?');
    try {
      while (memo.step()) {
        const [key, json] = memo.get();
        const { text, ...decision } = JSON.parse(String(json)) as CachedCompression;
        if (text === undefined) continue;
        memoTexts.write(memoId(String(key)), {}, text);
        update.run([JSON.stringify(decision), key]);
      }
    } finally {
      memo.free();
      update.free();
    }
    db.exec('DROP TABLE originals_v1; VACUUM;');
  } else {
    db.exec(SCHEMA);
  }
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  return true;
}

/** A memo entry's text file is named by a hash of its key (content hash and settings). */
const memoId = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32);

/** Version 1 stored contents as UTF-8 bytes, and before that as text. */
function asText(value: unknown): string {
  return value instanceof Uint8Array
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')
    : String(value);
}

import { DEFAULT_TTL_DAYS } from '../shared/defaults';
import { retrieveOriginal, type RetrieveOptions, type RetrieveOutcome } from '../core/retrieve';
import type { CachedCompression, CompressionStore, ContentKind, StoredOriginal } from '../core/types';
import { createHash } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { OriginalFiles } from './originalFiles';
import { migrate, PREVIEW_LENGTH } from './schema';
import { StoreDatabase, type StoreDatabaseOptions } from './storeDatabase';
import { DiskTextFiles, MemoryTextFiles, type TextFiles } from './textFiles';

export interface CcrStoreOptions extends StoreDatabaseOptions {
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

/**
 * The CCR store: every original a compressor dropped content from, keyed by content hash,
 * each in a file of its own written before it is named anywhere, and the memo of finished
 * compressions, in the store's database beside them (StoreDatabase).
 */
export class CcrStore implements CompressionStore {
  private totalBytes: number;
  private readonly ttlMs: number;
  /** How old an access time may get before a read brings it forward (a small share of the TTL). */
  private readonly touchAfterMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  /**
   * Replays read lately, kept in memory: agents re-send every output on every turn, and a
   * replay from SQL (the row, its JSON, a check per marker's original) is most of a warm
   * request's time. Emptied whenever an original or a replay is deleted, so a marker whose
   * original is gone is never replayed from here.
   */
  private readonly recentReplays = new Map<string, { value: CachedCompression; readAt: number }>();
  /** Present while a process has the store open; found at open, it says the last one did not close it. */
  private running: string | undefined;
  private closed = false;

  private constructor(
    /** The database the stats and the shared context keep their tables in too. */
    readonly database: StoreDatabase,
    private readonly originals: OriginalFiles,
    /** The compressed texts of memo entries, which would otherwise make the database as large as they are. */
    private readonly memoTexts: TextFiles,
    options: CcrStoreOptions,
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.touchAfterMs = Math.min(HOUR, this.ttlMs / 100);
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.now = options.now ?? Date.now;
    this.totalBytes = Number(this.database.scalar('SELECT COALESCE(SUM(bytes), 0) FROM originals') ?? 0);
  }

  static async open(options: CcrStoreOptions = {}): Promise<CcrStore> {
    const { file: path } = options;
    const originals = new OriginalFiles(path ? new DiskTextFiles(`${path}.originals`, true) : new MemoryTextFiles());
    // Not synced: a memo entry lost in a crash is only compressed again.
    const memoTexts = path ? new DiskTextFiles(`${path}.memo`, false) : new MemoryTextFiles();
    const database = await StoreDatabase.open(options, async (db) => {
      const writes: Array<Promise<void>> = [];
      const changed = migrate(db, {
        original: (row) => writes.push(originals.write({ ...row, kind: row.kind as ContentKind })),
        memoText: (key, text) => writes.push(memoTexts.write(memoId(key), {}, text)),
      });
      // The database that no longer holds the contents is saved only once their files are on the disk.
      await Promise.all(writes);
      if (changed) await originals.files.sync();
      return changed;
    });
    const store = new CcrStore(database, originals, memoTexts, options);
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
    const rows = new Set(this.database.column('SELECT hash FROM originals'));
    for (const hash of rows) if (!files.has(hash)) this.evict(hash, 'its file was missing when the store opened');
    for (const hash of files) {
      if (rows.has(hash)) continue;
      const original = this.originals.read(hash);
      if (original) this.insertRow(original);
      else this.originals.remove(hash);
    }
    const memoIds = new Set(this.database.column('SELECT key FROM compressions').map(memoId));
    for (const id of this.memoTexts.sweep()) if (!memoIds.has(id)) this.memoTexts.remove(id);
  }

  /**
   * Stores an original: its file is complete under its name once this resolves (so it survives
   * the process being killed) and on the disk itself once `syncOriginals` resolves. Rejects when
   * it cannot be written (disk full, read-only): then the caller must not hand out a marker for it.
   */
  async putOriginal(original: StoredOriginal): Promise<void> {
    const stored = () => this.database.scalar('SELECT 1 FROM originals WHERE hash = ?', [original.hash]) !== undefined;
    if (stored()) {
      this.database.run('UPDATE originals SET accessed_at = ? WHERE hash = ?', [this.now(), original.hash]);
      return;
    }
    await this.originals.write(original);
    // The same content put twice at once: the first to finish gave it its row.
    if (stored()) return;
    this.insertRow(original);
    this.database.run('DELETE FROM evictions WHERE hash = ?', [original.hash]);
    this.evictOverCap(original.hash);
  }

  private insertRow(original: StoredOriginal): void {
    const now = this.now();
    const bytes = Buffer.byteLength(original.content, 'utf8');
    this.database.run(
      'INSERT INTO originals (hash, kind, tool, bytes, preview, created_at, accessed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [original.hash, original.kind, original.tool ?? null, bytes, original.content.slice(0, PREVIEW_LENGTH), now, now],
    );
    this.totalBytes += bytes;
  }

  getOriginal(hash: string): StoredOriginal | undefined {
    const row = this.database.row('SELECT accessed_at FROM originals WHERE hash = ?', [hash]);
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
    this.database.run('UPDATE originals SET accessed_at = ? WHERE hash = ?', [this.now(), hash]);
    return original;
  }

  /** The first characters of an original (up to PREVIEW_LENGTH), read without loading it. */
  preview(hash: string, length: number): string {
    const value = this.database.scalar('SELECT substr(preview, 1, ?) FROM originals WHERE hash = ?', [length, hash]);
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
    const eviction = this.database.row('SELECT reason, at FROM evictions WHERE hash = ?', [clean]);
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
    const row = this.database.row('SELECT value, marker_hashes, accessed_at FROM compressions WHERE key = ?', [key]);
    if (!row) return undefined;
    const value = JSON.parse(String(row.value)) as CachedCompression;
    // Entries written before the texts moved to files still hold theirs.
    if (value.compressed && value.text === undefined) value.text = this.memoTexts.read(memoId(key))?.text;
    const needed = String(row.marker_hashes).split(' ').filter(Boolean);
    if (
      Number(row.accessed_at) < this.now() - this.ttlMs ||
      (value.compressed && value.text === undefined) ||
      needed.some((h) => this.database.scalar('SELECT 1 FROM originals WHERE hash = ?', [h]) === undefined)
    ) {
      this.deleteCompressions('key = ?', [key]);
      return undefined;
    }
    // Agents re-send every output each turn: the access time is only brought forward once it
    // is a share of the TTL old, so a replay is a read and not a write to the whole database.
    const now = this.now();
    if (Number(row.accessed_at) < now - this.touchAfterMs) {
      this.database.run('UPDATE compressions SET accessed_at = ? WHERE key = ?', [now, key]);
      for (const h of needed) this.database.run('UPDATE originals SET accessed_at = ? WHERE hash = ?', [now, h]);
    }
    return value;
  }

  putCompression(key: string, value: CachedCompression): void {
    this.recentReplays.delete(key);
    const { text, ...decision } = value;
    this.database.run(
      'INSERT OR REPLACE INTO compressions (key, hash, marker_hashes, value, accessed_at) VALUES (?, ?, ?, ?, ?)',
      [key, key.split(':')[0], value.markerHashes.join(' '), JSON.stringify(decision), this.now()],
    );
    if (value.compressed && text !== undefined) {
      // Its text is read from memory until written; if it cannot be, there is no memo and the
      // output is compressed again next time, as if it were new.
      this.memoTexts.write(memoId(key), {}, text).catch(() => {
        if (!this.closed) this.deleteCompressions('key = ?', [key]);
      });
    }
  }

  /** Deletes memo entries, their texts with them. */
  private deleteCompressions(where: string, params: Array<string | number>): number {
    const keys = this.database.column(`SELECT key FROM compressions WHERE ${where}`, params);
    if (keys.length === 0) return 0;
    for (const key of keys) this.memoTexts.remove(memoId(key));
    this.database.run(`DELETE FROM compressions WHERE ${where}`, params);
    this.recentReplays.clear();
    return keys.length;
  }

  /** Drops originals and memo entries past their TTL. */
  prune(): void {
    this.recentReplays.clear();
    const cutoff = this.now() - this.ttlMs;
    const expired = this.database.column('SELECT hash FROM originals WHERE accessed_at < ?', [cutoff]);
    for (const hash of expired) this.evict(hash, 'expired');
    this.deleteCompressions('accessed_at < ?', [cutoff]);
    this.database.run(
      `DELETE FROM evictions WHERE hash NOT IN (SELECT hash FROM evictions ORDER BY at DESC LIMIT ${EVICTION_MEMORY})`,
    );
  }

  summary(): { originals: number; bytes: number; compressions: number } {
    return {
      originals: Number(this.database.scalar('SELECT COUNT(*) FROM originals') ?? 0),
      bytes: this.totalBytes,
      compressions: Number(this.database.scalar('SELECT COUNT(*) FROM compressions') ?? 0),
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
    return this.database.flush();
  }

  async close(): Promise<void> {
    // Texts still being written are finished first, so none is left half-written.
    await Promise.all([this.originals.files.sync(), this.memoTexts.sync()]).catch(() => undefined);
    this.closed = true;
    await this.database.close();
    if (this.running) rmSync(this.running, { force: true });
  }

  private evictOverCap(keep: string): void {
    while (this.totalBytes > this.maxBytes) {
      const oldest = this.database.scalar(
        'SELECT hash FROM originals WHERE hash != ? ORDER BY accessed_at ASC LIMIT 1',
        [keep],
      );
      if (oldest === undefined) return;
      this.evict(String(oldest), 'evicted to keep the store under its size cap');
    }
  }

  /** Removes an original and every memo entry whose markers point at it. */
  private evict(hash: string, reason: string): void {
    this.recentReplays.clear();
    const bytes = Number(this.database.scalar('SELECT bytes FROM originals WHERE hash = ?', [hash]) ?? 0);
    this.database.run('DELETE FROM originals WHERE hash = ?', [hash]);
    this.originals.remove(hash);
    this.deleteCompressions("hash = ? OR instr(' ' || marker_hashes || ' ', ' ' || ? || ' ') > 0", [hash, hash]);
    this.database.run('INSERT OR REPLACE INTO evictions (hash, reason, at) VALUES (?, ?, ?)', [
      hash,
      reason,
      this.now(),
    ]);
    this.totalBytes -= bytes;
  }
}

/** A memo entry's text file is named by a hash of its key (content hash and settings). */
const memoId = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32);

import { DEFAULT_TTL_DAYS } from '../shared/defaults';
import { retrieveOriginal, type RetrieveOptions, type RetrieveOutcome } from '../core/retrieve';
import type { CachedCompression, CompressionStore, ContentKind, StoredOriginal } from '../core/types';
import { createHash } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { OriginalFiles } from './originalFiles';
import { PostgresDatabase, type PostgresOptions } from './postgresDatabase';
import { PostgresTexts } from './postgresTexts';
import { migrate, PREVIEW_LENGTH } from './schema';
import { StoreDatabase, type StoreDatabaseOptions } from './storeDatabase';
import type { StoreSql } from './storeSql';
import { DiskTextFiles, MemoryTextFiles, type TextFiles } from './textFiles';

export interface CcrStoreOptions extends StoreDatabaseOptions, PostgresOptions {
  /**
   * A PostgreSQL server's URL (`postgres://…`), instead of `file`: the store of a team, which
   * several proxies share.
   */
  postgres?: string;
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
 * each stored durably before it is named anywhere, and the memo of finished compressions.
 * Embedded, the originals are files of their own beside the database (StoreDatabase); on a
 * team's PostgreSQL server, rows of its `texts` table, shared with every other proxy there.
 */
export class CcrStore implements CompressionStore {
  /** The bytes of originals stored, kept here when no other process changes them (see StoreSql.shared). */
  private totalBytes = 0;
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
  /** Puts and evictions under way, by hash: see `exclusive`. */
  private readonly busy = new Map<string, Promise<void>>();
  /** Present while a process has the store open; found at open, it says the last one did not close it. */
  private running: string | undefined;
  private closed = false;

  private constructor(
    /** The database the stats and the shared context keep their tables in too. */
    readonly database: StoreSql,
    private readonly originals: OriginalFiles,
    /** The compressed texts of memo entries, which would otherwise make the database as large as they are. */
    private readonly memoTexts: TextFiles,
    options: CcrStoreOptions,
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.touchAfterMs = Math.min(HOUR, this.ttlMs / 100);
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.now = options.now ?? Date.now;
  }

  static async open(options: CcrStoreOptions = {}): Promise<CcrStore> {
    if (options.postgres) return CcrStore.onPostgres(options.postgres, options);
    const store = await CcrStore.embedded(options);
    store.totalBytes = await store.storedBytes();
    await store.prune();
    return store;
  }

  /**
   * A team's store: its size is read when needed, and pruning is the running proxies' (each
   * prunes as it starts and hourly), so a CLI or MCP call opens it without a sweep.
   */
  private static async onPostgres(url: string, options: CcrStoreOptions): Promise<CcrStore> {
    const database = await PostgresDatabase.open(url, options);
    return new CcrStore(
      database,
      new OriginalFiles(new PostgresTexts(database, 'original')),
      new PostgresTexts(database, 'memo'),
      options,
    );
  }

  private static async embedded(options: CcrStoreOptions): Promise<CcrStore> {
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
    if (running && existsSync(running)) await store.reconcile();
    if (running) writeFileSync(running, String(process.pid), { mode: 0o600 });
    store.running = running || undefined;
    return store;
  }

  private async storedBytes(): Promise<number> {
    return Number((await this.database.scalar('SELECT COALESCE(SUM(bytes), 0) FROM originals')) ?? 0);
  }

  /**
   * Brings the database in line with the files after a crash: an original written after the
   * last save gets its row back (so it is counted and can be evicted), a row whose file is gone
   * is dropped.
   */
  private async reconcile(): Promise<void> {
    const files = new Set(await this.originals.sweep());
    const rows = new Set(await this.database.column('SELECT hash FROM originals'));
    for (const hash of rows) if (!files.has(hash)) await this.evict(hash, 'its file was missing when the store opened');
    for (const hash of files) {
      if (rows.has(hash)) continue;
      const original = await this.originals.read(hash);
      if (original) await this.insertRow(original);
      else await this.originals.remove(hash);
    }
    const memoIds = new Set((await this.database.column('SELECT key FROM compressions')).map(memoId));
    for (const id of await this.memoTexts.sweep()) if (!memoIds.has(id)) await this.memoTexts.remove(id);
  }

  /**
   * Stores an original: its file is complete under its name once this resolves (so it survives
   * the process being killed) and on the disk itself once `syncOriginals` resolves. Rejects when
   * it cannot be written (disk full, read-only): then the caller must not hand out a marker for it.
   */
  async putOriginal(original: StoredOriginal): Promise<void> {
    const added = await this.exclusive(original.hash, async () => {
      // Touched, it stays (an eviction checks the access time): a row's text is stored too.
      const touched = await this.database.run('UPDATE originals SET accessed_at = ? WHERE hash = ?', [
        this.now(),
        original.hash,
      ]);
      if (touched > 0) return false;
      await this.originals.write(original);
      // The same content put twice at once by another process: the first to finish gave it its row.
      if (!(await this.insertRow(original))) return false;
      await this.database.run('DELETE FROM evictions WHERE hash = ?', [original.hash]);
      return true;
    });
    if (added) await this.evictOverCap(original.hash);
  }

  /** Gives a stored original its row; false when it had one already. */
  private async insertRow(original: StoredOriginal): Promise<boolean> {
    const now = this.now();
    const bytes = Buffer.byteLength(original.content, 'utf8');
    const added = await this.database.run(
      `INSERT INTO originals (hash, kind, tool, bytes, preview, created_at, accessed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (hash) DO NOTHING`,
      [original.hash, original.kind, original.tool ?? null, bytes, original.content.slice(0, PREVIEW_LENGTH), now, now],
    );
    if (added > 0) this.totalBytes += bytes;
    return added > 0;
  }

  async getOriginal(hash: string): Promise<StoredOriginal | undefined> {
    const row = await this.database.row('SELECT accessed_at FROM originals WHERE hash = ?', [hash]);
    if (!row) return undefined;
    if (Number(row.accessed_at) < this.now() - this.ttlMs) {
      await this.evict(hash, 'expired', Number(row.accessed_at));
      return undefined;
    }
    const original = await this.originals.read(hash);
    if (!original) {
      await this.evict(hash, 'its text could not be read');
      return undefined;
    }
    // Exact, unlike a replayed compression's: a retrieval is what the size cap's LRU order is for.
    await this.database.run('UPDATE originals SET accessed_at = ? WHERE hash = ?', [this.now(), hash]);
    return original;
  }

  /** The first characters of an original (up to PREVIEW_LENGTH), read without loading it. */
  async preview(hash: string, length: number): Promise<string> {
    const value = await this.database.scalar('SELECT substr(preview, 1, ?) FROM originals WHERE hash = ?', [
      length,
      hash,
    ]);
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

  private async whyMissing(clean: string): Promise<string> {
    const eviction = await this.database.row('SELECT reason, at FROM evictions WHERE hash = ?', [clean]);
    if (eviction) {
      const when = new Date(Number(eviction.at)).toISOString();
      return `The original for hash ${clean} is no longer stored (${String(eviction.reason)} at ${when}). Re-run the tool to get it again.`;
    }
    return `No original is stored for hash ${clean}. Check the hash against the marker; originals are kept for ${Math.round(this.ttlMs / DAY)} days.`;
  }

  async getCompression(key: string): Promise<CachedCompression | undefined> {
    const recent = this.recentReplays.get(key);
    // Within touchAfterMs of its last read a replay needs no write, and it cannot have expired.
    if (recent && recent.readAt >= this.now() - this.touchAfterMs) return recent.value;
    const value = await this.replayFromSql(key);
    // Another process may evict what a replay names: a shared store's replays are read each time.
    if (value && !this.database.shared) this.rememberReplay(key, value);
    return value;
  }

  private rememberReplay(key: string, value: CachedCompression): void {
    this.recentReplays.delete(key);
    if (this.recentReplays.size >= RECENT_REPLAYS) this.recentReplays.delete(this.recentReplays.keys().next().value!);
    this.recentReplays.set(key, { value, readAt: this.now() });
  }

  private async replayFromSql(key: string): Promise<CachedCompression | undefined> {
    const row = await this.database.row('SELECT value, marker_hashes, accessed_at FROM compressions WHERE key = ?', [
      key,
    ]);
    if (!row) return undefined;
    const value = JSON.parse(String(row.value)) as CachedCompression;
    // Entries written before the texts moved to files still hold theirs.
    if (value.compressed && value.text === undefined) value.text = (await this.memoTexts.read(memoId(key)))?.text;
    const needed = [...new Set(String(row.marker_hashes).split(' ').filter(Boolean))];
    if (
      Number(row.accessed_at) < this.now() - this.ttlMs ||
      (value.compressed && value.text === undefined) ||
      (await this.storedAmong(needed)) < needed.length
    ) {
      await this.deleteCompressions('key = ?', [key]);
      return undefined;
    }
    // Agents re-send every output each turn: the access time is only brought forward once it
    // is a share of the TTL old, so a replay is a read and not a write.
    const now = this.now();
    if (Number(row.accessed_at) < now - this.touchAfterMs) {
      await this.database.run('UPDATE compressions SET accessed_at = ? WHERE key = ?', [now, key]);
      for (const h of needed) await this.database.run('UPDATE originals SET accessed_at = ? WHERE hash = ?', [now, h]);
    }
    return value;
  }

  /** How many of these originals are stored. */
  private async storedAmong(hashes: string[]): Promise<number> {
    if (hashes.length === 0) return 0;
    const marks = hashes.map(() => '?').join(', ');
    return Number(await this.database.scalar(`SELECT COUNT(*) FROM originals WHERE hash IN (${marks})`, hashes));
  }

  async putCompression(key: string, value: CachedCompression): Promise<void> {
    this.recentReplays.delete(key);
    const { text, ...decision } = value;
    await this.database.run(
      `INSERT INTO compressions (key, hash, marker_hashes, value, accessed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET hash = excluded.hash, marker_hashes = excluded.marker_hashes,
         value = excluded.value, accessed_at = excluded.accessed_at`,
      [key, key.split(':')[0], value.markerHashes.join(' '), JSON.stringify(decision), this.now()],
    );
    if (value.compressed && text !== undefined) {
      // Its text is read from memory until written; if it cannot be, there is no memo and the
      // output is compressed again next time, as if it were new.
      this.memoTexts.write(memoId(key), {}, text).catch(async () => {
        if (!this.closed) await this.deleteCompressions('key = ?', [key]).catch(() => undefined);
      });
    }
  }

  /** Deletes memo entries, their texts with them. */
  private async deleteCompressions(where: string, params: Array<string | number>): Promise<number> {
    const keys = await this.database.column(`SELECT key FROM compressions WHERE ${where}`, params);
    if (keys.length === 0) return 0;
    await this.database.run(`DELETE FROM compressions WHERE ${where}`, params);
    this.recentReplays.clear();
    await Promise.all(keys.map((key) => this.memoTexts.remove(memoId(key))));
    return keys.length;
  }

  /** Drops originals and memo entries past their TTL. */
  async prune(): Promise<void> {
    this.recentReplays.clear();
    const cutoff = this.now() - this.ttlMs;
    const expired = await this.database.column('SELECT hash FROM originals WHERE accessed_at < ?', [cutoff]);
    for (const hash of expired) await this.evict(hash, 'expired', cutoff - 1);
    await this.deleteCompressions('accessed_at < ?', [cutoff]);
    if (this.database.shared) await this.sweepEvictedTexts();
    await this.database.run(
      `DELETE FROM evictions WHERE hash NOT IN (SELECT hash FROM evictions ORDER BY at DESC LIMIT ${EVICTION_MEMORY})`,
    );
  }

  /**
   * A shared store's texts of evicted originals. One written lately may be an original another
   * process is storing again, its row not yet inserted: only those older than a put takes go.
   */
  private async sweepEvictedTexts(): Promise<void> {
    await this.database.run(
      `DELETE FROM texts WHERE bucket = 'original' AND written_at < ?
       AND NOT EXISTS (SELECT 1 FROM originals WHERE originals.hash = texts.id)`,
      [Date.now() - HOUR],
    );
  }

  async summary(): Promise<{ originals: number; bytes: number; compressions: number }> {
    const [originals, bytes, compressions] = await Promise.all([
      this.database.scalar('SELECT COUNT(*) FROM originals'),
      this.database.shared ? this.storedBytes() : this.totalBytes,
      this.database.scalar('SELECT COUNT(*) FROM compressions'),
    ]);
    return { originals: Number(originals ?? 0), bytes, compressions: Number(compressions ?? 0) };
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

  private async evictOverCap(keep: string): Promise<void> {
    // Other processes add originals too: a shared store's size is read, not kept.
    if (this.database.shared) this.totalBytes = await this.storedBytes();
    while (this.totalBytes > this.maxBytes) {
      const oldest = await this.database.row(
        'SELECT hash, accessed_at FROM originals WHERE hash != ? ORDER BY accessed_at ASC LIMIT 1',
        [keep],
      );
      if (!oldest) return;
      await this.evict(String(oldest.hash), 'evicted to keep the store under its size cap', Number(oldest.accessed_at));
    }
  }

  /**
   * Removes an original, unless it was used after `accessedBy` (a put or a read since it was
   * chosen), and every memo entry whose markers point at it: those first, so no replay names
   * an original that is gone. Its bytes are counted out only by the call that deleted its row.
   * A shared store's texts are swept by `prune` once no row names them, since another process
   * may be storing the same original again right now.
   */
  private evict(hash: string, reason: string, accessedBy = Number.MAX_SAFE_INTEGER): Promise<void> {
    return this.exclusive(hash, async () => {
      this.recentReplays.clear();
      const row = await this.database.row('SELECT bytes, accessed_at FROM originals WHERE hash = ?', [hash]);
      if (row && Number(row.accessed_at) > accessedBy) return;
      await this.deleteCompressions("hash = ? OR ' ' || marker_hashes || ' ' LIKE '% ' || CAST(? AS TEXT) || ' %'", [
        hash,
        hash,
      ]);
      const deleted = await this.database.run('DELETE FROM originals WHERE hash = ? AND accessed_at <= ?', [
        hash,
        accessedBy,
      ]);
      if (row && deleted === 0) return;
      await this.database.run(
        `INSERT INTO evictions (hash, reason, at) VALUES (?, ?, ?)
         ON CONFLICT (hash) DO UPDATE SET reason = excluded.reason, at = excluded.at`,
        [hash, reason, this.now()],
      );
      if (deleted > 0) this.totalBytes -= Number(row?.bytes ?? 0);
      if (!this.database.shared) await this.originals.remove(hash);
    });
  }

  /** Runs `work` once no other put or eviction of the same original in this process is under way. */
  private async exclusive<T>(hash: string, work: () => Promise<T>): Promise<T> {
    const before = this.busy.get(hash);
    const done = (async () => {
      await before?.catch(() => undefined);
      return work();
    })();
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    this.busy.set(hash, settled);
    try {
      return await done;
    } finally {
      if (this.busy.get(hash) === settled) this.busy.delete(hash);
    }
  }
}

/** A memo entry's text file is named by a hash of its key (content hash and settings). */
const memoId = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32);

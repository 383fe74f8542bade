import { retrieveOriginal, type RetrieveOptions, type RetrieveOutcome } from './retrieve';
import type { CachedCompression, CompressionStore, StoredOriginal } from './types';

/**
 * The store used when the caller gives none: bounded, in memory, least recently used out
 * first. The persistent sql.js store (src/store) implements the same port.
 */
export class MemoryStore implements CompressionStore {
  private readonly originals = new Map<string, StoredOriginal>();
  private readonly compressions = new Map<string, CachedCompression>();
  private originalChars = 0;

  constructor(
    private readonly maxChars = 64 * 1024 * 1024,
    private readonly maxCompressions = 10_000,
  ) {}

  putOriginal(original: StoredOriginal): void {
    const existing = this.originals.get(original.hash);
    if (existing) {
      this.touch(this.originals, original.hash, existing);
      return;
    }
    this.originals.set(original.hash, original);
    this.originalChars += original.content.length;
    for (const [hash, old] of this.originals) {
      if (this.originalChars <= this.maxChars || hash === original.hash) break;
      this.originals.delete(hash);
      this.originalChars -= old.content.length;
    }
  }

  getOriginal(hash: string): StoredOriginal | undefined {
    const original = this.originals.get(hash);
    if (original) this.touch(this.originals, hash, original);
    return original;
  }

  /** The original or the part of it asked for; an unknown (or evicted) hash gives an error message. */
  retrieve(hash: string, options: RetrieveOptions = {}): Promise<RetrieveOutcome> {
    return retrieveOriginal(
      hash,
      options,
      (clean) => this.getOriginal(clean),
      (clean) =>
        `No original is stored for hash ${clean} in this process's memory store (it keeps the most recent ${Math.round(this.maxChars / 1024 / 1024)} MB).`,
    );
  }

  getCompression(key: string): CachedCompression | undefined {
    const value = this.compressions.get(key);
    if (value) this.touch(this.compressions, key, value);
    return value;
  }

  putCompression(key: string, value: CachedCompression): void {
    this.compressions.set(key, value);
    if (this.compressions.size > this.maxCompressions) {
      const oldest = this.compressions.keys().next();
      if (!oldest.done) this.compressions.delete(oldest.value);
    }
  }

  /** Map iteration follows insertion order, so re-inserting marks an entry as most recently used. */
  private touch<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
  }
}

export const defaultStore = new MemoryStore();

import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ContentKind, StoredOriginal } from '../core/types';
import { writeFileAtomicSync } from './atomicWrite';

/** What a file holds besides the content, so a file alone is enough to serve a retrieve. */
interface Header {
  kind: ContentKind;
  tool?: string;
}

/**
 * The originals, one content-addressed file each (`ab/abcdef….gz`, gzip, a one-line JSON
 * header before the content), written and synced before `write` returns: once a marker names
 * an original, the original is on disk, whatever happens to the process next. The database
 * beside it keeps only what is needed to list and evict (sizes, access times, previews), so
 * neither its size nor the time to save it grows with the bytes of the originals.
 */
export class OriginalFiles {
  private readonly shards = new Set<string>();

  constructor(readonly dir: string) {}

  /** Writes the original durably; throws when it cannot (disk full, read-only), and then nothing names it. */
  write(original: StoredOriginal): void {
    const shard = join(this.dir, original.hash.slice(0, 2));
    if (!this.shards.has(shard)) {
      mkdirSync(shard, { recursive: true, mode: 0o700 });
      this.shards.add(shard);
    }
    const header: Header = { kind: original.kind, ...(original.tool ? { tool: original.tool } : {}) };
    const bytes = gzipSync(`${JSON.stringify(header)}\n${original.content}`, { level: 1 });
    writeFileAtomicSync(this.path(original.hash), bytes, 0o600);
  }

  read(hash: string): StoredOriginal | undefined {
    let text: string;
    try {
      text = gunzipSync(readFileSync(this.path(hash))).toString('utf8');
    } catch {
      // Missing, or cut short by something outside Headroom: either way there is no original to give.
      return undefined;
    }
    const newline = text.indexOf('\n');
    const header = JSON.parse(text.slice(0, newline)) as Header;
    return { hash, content: text.slice(newline + 1), kind: header.kind, tool: header.tool };
  }

  remove(hash: string): void {
    rmSync(this.path(hash), { force: true });
  }

  /**
   * Every hash with a file, and leftover temporary files removed (a write cut short by a
   * crash; the store's lock says no other process is writing).
   */
  sweep(): string[] {
    const hashes: string[] = [];
    let shards: string[];
    try {
      shards = readdirSync(this.dir);
    } catch {
      return hashes;
    }
    for (const shard of shards) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of readdirSync(join(this.dir, shard))) {
        if (name.endsWith('.tmp')) rmSync(join(this.dir, shard, name), { force: true });
        else if (name.endsWith('.gz')) hashes.push(name.slice(0, -3));
      }
    }
    return hashes;
  }

  private path(hash: string): string {
    // Hashes come from the engine or a cleaned marker; anything else never becomes a path.
    if (!/^[0-9a-f]{16,64}$/.test(hash)) throw new Error(`not a content hash: ${hash.slice(0, 80)}`);
    return join(this.dir, hash.slice(0, 2), `${hash}.gz`);
  }
}

/** The same, for a store kept in memory only. */
export class MemoryOriginals {
  private readonly originals = new Map<string, StoredOriginal>();

  write(original: StoredOriginal): void {
    this.originals.set(original.hash, original);
  }

  read(hash: string): StoredOriginal | undefined {
    return this.originals.get(hash);
  }

  remove(hash: string): void {
    this.originals.delete(hash);
  }

  sweep(): string[] {
    return [...this.originals.keys()];
  }
}

export type Originals = Pick<OriginalFiles, 'write' | 'read' | 'remove' | 'sweep'>;

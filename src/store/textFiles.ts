import { readdir, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { writeFileAtomic } from './atomicWrite';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export type Text = { header: Record<string, unknown>; text: string };

/**
 * Texts by id (a hex hash), each with a small JSON header, in one place: files on disk, a
 * PostgreSQL table (PostgresTexts), or memory.
 */
export interface TextFiles {
  /** Resolves once the text is complete under its name; rejects when it cannot be written (disk full, read-only). */
  write(id: string, header: object, text: string): Promise<void>;
  read(id: string): Promise<Text | undefined>;
  remove(id: string): Promise<void>;
  /** Every id stored; on disk, temporary files a crash left behind are removed too. */
  sweep(): Promise<string[]>;
  /** Resolves once every text written so far is on the disk itself, not only in the system's cache. */
  sync(): Promise<void>;
}

/** A text as it is kept: gzip of a one-line JSON header and the text. */
export function encodeText(header: object, text: string): Promise<Buffer> {
  return gzipAsync(`${JSON.stringify(header)}\n${text}`, { level: 1 });
}

/** The text `encodeText` kept, or undefined when the bytes are not one (cut short by something outside Headroom). */
export async function decodeText(bytes: Buffer): Promise<Text | undefined> {
  try {
    const content = (await gunzipAsync(bytes)).toString('utf8');
    const newline = content.indexOf('\n');
    return {
      header: JSON.parse(content.slice(0, newline)) as Record<string, unknown>,
      text: content.slice(newline + 1),
    };
  } catch {
    return undefined;
  }
}

/**
 * Texts as files of their own (`ab/abcdef….gz`: gzip of a one-line JSON header and the text),
 * sharded by id, written off the event loop. A `durable` file is complete under its name when
 * `write` resolves (written to a temporary file and renamed, so it survives the process being
 * killed) and on the disk itself once `sync` resolves, which flushes every file written since,
 * in parallel: what an original needs before a marker naming it is sent. A text being written
 * is read from memory meanwhile. The database beside them keeps only what lists and evicts
 * them, so neither its size nor the time to save it grows with the bytes of the texts.
 */
export class DiskTextFiles implements TextFiles {
  private readonly shards = new Set<string>();
  private unsynced = new Set<string>();
  /** Texts being written, by id; a write waits for the one before it of the same id. */
  private readonly writing = new Map<string, { text: Text; done: Promise<void> }>();

  constructor(
    readonly dir: string,
    private readonly durable: boolean,
  ) {}

  write(id: string, header: object, text: string): Promise<void> {
    const path = this.path(id);
    const before = this.writing.get(id)?.done;
    const entry = { text: { header: header as Record<string, unknown>, text }, done: Promise.resolve() };
    entry.done = (async () => {
      await before?.catch(() => undefined);
      const shard = join(this.dir, id.slice(0, 2));
      if (!this.shards.has(shard)) {
        await mkdir(shard, { recursive: true, mode: 0o700 });
        this.shards.add(shard);
      }
      const bytes = await encodeText(header, text);
      if (this.durable) {
        await writeFileAtomic(path, bytes, 0o600, false);
        this.unsynced.add(path);
      } else await writeFile(path, bytes, { mode: 0o600 });
      // Removed while it was being written: the file goes too.
      if (this.writing.get(id) !== entry) await rm(path, { force: true });
    })().finally(() => {
      if (this.writing.get(id) === entry) this.writing.delete(id);
    });
    this.writing.set(id, entry);
    return entry.done;
  }

  async sync(): Promise<void> {
    await Promise.all([...this.writing.values()].map(({ done }) => done.catch(() => undefined)));
    const paths = [...this.unsynced];
    this.unsynced = new Set();
    await Promise.all(
      paths.map(async (path) => {
        let handle;
        try {
          handle = await open(path, 'r');
        } catch (error) {
          // Evicted since it was written: nothing names it any more.
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw error;
        }
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }),
    );
  }

  async read(id: string): Promise<Text | undefined> {
    const writing = this.writing.get(id);
    if (writing) return writing.text;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(id));
    } catch {
      // Missing, or unreadable: either way there is nothing to give.
      return undefined;
    }
    return decodeText(bytes);
  }

  async remove(id: string): Promise<void> {
    this.writing.delete(id);
    try {
      await rm(this.path(id), { force: true });
    } catch {
      // The directory is gone or cannot be written: the row naming the text goes all the same,
      // and a file left behind is only swept up at the next open.
    }
  }

  async sweep(): Promise<string[]> {
    const ids: string[] = [];
    let shards: string[];
    try {
      shards = await readdir(this.dir);
    } catch {
      return ids;
    }
    for (const shard of shards) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdir(join(this.dir, shard))) {
        if (name.endsWith('.tmp')) await rm(join(this.dir, shard, name), { force: true });
        else if (name.endsWith('.gz')) ids.push(name.slice(0, -3));
      }
    }
    return ids;
  }

  private path(id: string): string {
    // Ids are content hashes the engine made or a cleaned marker carries; nothing else becomes a path.
    if (!/^[0-9a-f]{16,64}$/.test(id)) throw new Error(`not a content hash: ${id.slice(0, 80)}`);
    return join(this.dir, id.slice(0, 2), `${id}.gz`);
  }
}

/** The same, for a store kept in memory only. */
export class MemoryTextFiles implements TextFiles {
  private readonly texts = new Map<string, Text>();

  write(id: string, header: object, text: string): Promise<void> {
    this.texts.set(id, { header: header as Record<string, unknown>, text });
    return Promise.resolve();
  }

  async read(id: string): Promise<Text | undefined> {
    return this.texts.get(id);
  }

  async remove(id: string): Promise<void> {
    this.texts.delete(id);
  }

  async sweep(): Promise<string[]> {
    return [...this.texts.keys()];
  }

  async sync(): Promise<void> {}
}

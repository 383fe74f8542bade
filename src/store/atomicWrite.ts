import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

/**
 * Replaces `file` so that a reader, or a crash, sees either the old content or the new one and
 * never half of it: written to a temporary file beside it, flushed to disk, then renamed over.
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, mode = 0o644): void {
  const temporary = temporaryBeside(file);
  try {
    const fd = openSync(temporary, 'wx', mode);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * {@link writeFileAtomicSync} without blocking the event loop. With `sync` false the flush is
 * the caller's (several files synced at once, in parallel).
 */
export async function writeFileAtomic(file: string, data: Uint8Array, mode = 0o644, sync = true): Promise<void> {
  const temporary = temporaryBeside(file);
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(data);
      if (sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/**
 * A name nobody can have planted (a cloned repository could hold a symlink at a predictable
 * one), opened exclusively (`wx`), which never follows a symlink: the data lands in a new
 * regular file, and the rename replaces `file` itself, never what a symlink there points to.
 */
function temporaryBeside(file: string): string {
  return `${file}.${randomBytes(8).toString('hex')}.tmp`;
}

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';

/**
 * Replaces `file` so that a reader, or a crash, sees either the old content or the new one and
 * never half of it: written to a temporary file beside it, flushed to disk, then renamed over.
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, mode = 0o644): void {
  const temporary = temporaryBeside(file);
  try {
    const fd = openSync(temporary, 'w', mode);
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

/** {@link writeFileAtomicSync} without blocking the event loop, for large files. */
export async function writeFileAtomic(file: string, data: Uint8Array, mode = 0o644): Promise<void> {
  const temporary = temporaryBeside(file);
  try {
    const handle = await open(temporary, 'w', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** Unique per process and call, so two writers never share a temporary file. */
let sequence = 0;
function temporaryBeside(file: string): string {
  return `${file}.${process.pid}.${++sequence}.tmp`;
}

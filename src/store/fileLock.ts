import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';

export class StoreLocked extends Error {
  constructor(
    readonly file: string,
    readonly pid: number,
  ) {
    super(
      `The Headroom store ${file} is in use by another process (pid ${pid}), such as a running Headroom proxy. Stop it, or use another store with --store.`,
    );
  }
}

/**
 * An exclusive lock on a store file: `<file>.lock`, created with O_EXCL and holding the
 * owner's pid. Each process holds the database in memory and journals its own changes, so two
 * processes on one file would silently overwrite each other's work. A lock left by a
 * process that no longer runs is taken over.
 */
export class FileLock {
  private released = false;

  private constructor(private readonly path: string) {}

  static acquire(file: string): FileLock {
    const path = `${file}.lock`;
    // The lock appears with its pid already in it (written aside, then hard-linked into place),
    // so another process never reads an empty lock file and takes it for an abandoned one.
    const pending = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(pending, String(process.pid), { mode: 0o600 });
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          linkSync(pending, path);
          return new FileLock(path);
        } catch (error) {
          if (errorCode(error) !== 'EEXIST') throw error;
          const owner = lockOwner(path);
          // Released between the link and the read: try again.
          if (owner === undefined) continue;
          if (isRunning(owner)) throw new StoreLocked(file, owner);
          removeStaleLock(path, owner, pending);
        }
      }
      throw new StoreLocked(file, -1);
    } finally {
      unlinkSync(pending);
    }
  }

  /**
   * Like `acquire`, but waits up to `waitMs` for a holder to let go: the CLI and the MCP
   * server hold a store only for the moment of one call, so a proxy starting meanwhile waits.
   */
  static async acquireWithin(file: string, waitMs: number): Promise<FileLock> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        return FileLock.acquire(file);
      } catch (error) {
        if (!(error instanceof StoreLocked) || Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** The pid of the running process that holds `file`, if one does. */
  static holder(file: string): number | undefined {
    try {
      const owner = Number.parseInt(readFileSync(`${file}.lock`, 'utf8'), 10);
      return isRunning(owner) ? owner : undefined;
    } catch {
      return undefined;
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** The pid in a lock file (NaN when it holds none), or undefined when the file is gone. */
function lockOwner(path: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(path, 'utf8'), 10);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Removes a lock left by `staleOwner`, under a second lock (`<lock>.takeover`): two processes
 * that both read the stale owner would otherwise both remove "the" stale lock, the second
 * removing the lock the first had just taken, and both would hold the store. Under the
 * takeover lock the owner is read again and the lock removed only if it is still the stale one.
 */
function removeStaleLock(path: string, staleOwner: number, pending: string): void {
  const takeover = `${path}.takeover`;
  try {
    // Linked from the file that already holds our pid, as the lock itself is.
    linkSync(pending, takeover);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    // Another process is taking over; one that died doing so leaves its file behind.
    const taker = lockOwner(takeover);
    if (taker !== undefined && !isRunning(taker)) removeIfPresent(takeover);
    return;
  }
  try {
    if (Object.is(lockOwner(path), staleOwner)) removeIfPresent(path);
  } finally {
    removeIfPresent(takeover);
  }
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

/** Whether `pid` (NaN when a lock file held no number) names a running process. */
function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

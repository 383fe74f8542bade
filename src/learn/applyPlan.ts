import { statSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { FileChange } from './learn';
import { instructionsFile } from './instructionsFile';
import { writeFileAtomicSync } from '../store/atomicWrite';

/** A file changed between the plan and its application: nothing was written. */
export class StalePlan extends Error {}

/**
 * Writes the planned changes, each file's former content kept beside it as
 * `<file>.headroom-backup`. A plan shown earlier (the panel's preview) is written only if
 * no file changed since (nor became a link elsewhere); otherwise nothing is written and
 * StalePlan says which file. Every write is a new regular file renamed into place, so a
 * symbolic link planted at a file's or its backup's name is replaced, never written through.
 */
export function applyLearn(changes: readonly FileChange[]): string[] {
  const planned = changes.filter((change) => !change.refused);
  for (const change of planned) {
    const now = instructionsFile(dirname(change.file), relative(dirname(change.file), change.file));
    if ('refused' in now || now.file !== change.file || now.before !== change.before)
      throw new StalePlan(`${change.file} changed since learn read it; run learn again.`);
  }
  const written: string[] = [];
  for (const change of planned) {
    if (change.before === change.after) continue;
    const mode = change.before === undefined ? 0o644 : statSync(change.file).mode & 0o777;
    if (change.before !== undefined) writeFileAtomicSync(`${change.file}.headroom-backup`, change.before, mode);
    writeFileAtomicSync(change.file, change.after, mode);
    written.push(change.file);
  }
  return written;
}

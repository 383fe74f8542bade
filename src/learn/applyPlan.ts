import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import type { FileChange } from './learn';
import { writeFileAtomicSync } from '../store/atomicWrite';

/** A file changed between the plan and its application: nothing was written. */
export class StalePlan extends Error {}

/**
 * Writes the planned changes, each file's former content kept beside it as
 * `<file>.headroom-backup`. A plan shown earlier (the panel's preview) is written only if
 * no file changed since; otherwise nothing is written and StalePlan says which file.
 */
export function applyLearn(changes: readonly FileChange[]): string[] {
  for (const change of changes) {
    const current = existsSync(change.file) ? readFileSync(change.file, 'utf8') : undefined;
    if (current !== change.before) throw new StalePlan(`${change.file} changed since learn read it; run learn again.`);
  }
  const written: string[] = [];
  for (const change of changes) {
    if (change.before === change.after) continue;
    if (change.before !== undefined) copyFileSync(change.file, `${change.file}.headroom-backup`);
    writeFileAtomicSync(change.file, change.after);
    written.push(change.file);
  }
  return written;
}

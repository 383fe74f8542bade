import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';

/** An instructions file learn may edit, where it really is, or why it may not. */
export type InstructionsFile = { file: string; before: string | undefined } | { file: string; refused: string };

/**
 * `name` in the workspace, as learn may read and write it: a regular file inside the
 * workspace, or none yet. A cloned repository decides what its files are, so a symbolic link
 * is followed only to a regular file inside the workspace (which is then edited where it is,
 * and the link stays a link); one that leads outside, or to anything but a file, is refused.
 */
export function instructionsFile(workspace: string, name: string): InstructionsFile {
  const path = join(workspace, name);
  const link = lstatOf(path);
  if (!link) return { file: path, before: undefined };
  let file = path;
  if (link.isSymbolicLink()) {
    try {
      file = realpathSync(path);
    } catch {
      return { file: path, refused: `${name} is a symbolic link to nothing; learn leaves it alone.` };
    }
    if (!inside(realpathSync(workspace), file))
      return {
        file: path,
        refused: `${name} is a symbolic link to ${file}, outside the workspace; learn leaves it alone.`,
      };
  }
  if (!lstatOf(file)?.isFile()) return { file: path, refused: `${name} is not a regular file; learn leaves it alone.` };
  return { file, before: readFileSync(file, 'utf8') };
}

function lstatOf(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

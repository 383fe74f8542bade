/**
 * File listings as agents print them: one path a line (`find`, `git ls-files`, `rg --files`,
 * glob results), `ls -R` (a `dir:` line, then the names in it), and `tree` (names under
 * `├──`/`└──` branches). Read into entries that know their directory, so a compressor can say
 * where each file is; `ls -l` prints columns and is a table instead (tableReader.ts).
 */
export interface FileListing {
  /** `dependencies`: a package manager's tree (`npm ls`, `pnpm list`), whose leaves are packages, not files. */
  format: 'paths' | 'ls-recursive' | 'tree' | 'dependencies';
  entries: ListingEntry[];
}

export interface ListingEntry {
  /** The index of the entry's line in the output. */
  line: number;
  /** Its full path as the listing implies it (`src/core/detect.ts`). */
  path: string;
  /** The directory it is in, `''` at the top. */
  dir: string;
  /** A directory: a header line, a branch with entries under it, or a path other paths go on from. */
  isDir: boolean;
  /** How deep the line is drawn (tree), for the indentation of what replaces it. */
  depth: number;
}

const MIN_ENTRIES = 12;
/** A path: no spaces at its ends, no `:` followed by a number (that is search output), a few path characters. */
const PATH_LINE = /^(?:[A-Za-z]:)?[\w.~@+\-/\\[\]()#,=%$' ]*[\w.~@+\-)\]/\\]$/;
const TREE_BRANCH = /^((?:[│|] {3}| {4}|\u00a0{2} {2})*)(?:[├└`|]──|[├└`]-- |\|-- )\s?(.*)$/;
// `npm ls`: two columns a level, `├─┬` for a package with dependencies under it.
const NPM_BRANCH = /^((?:[│|] | {2})*)[├└`+]─[┬─] ?(.*)$/;
const LS_HEADER = /^(\S.*):$/;
const TREE_SUMMARY = /^\d+ director(y|ies)(, \d+ files?)?$/;

export function readListing(lines: readonly string[]): FileListing | undefined {
  return readTree(lines) ?? readRecursiveLs(lines) ?? readPaths(lines);
}

/** `tree` (four columns a level) and `npm ls` (two): a root line, then one branch a line. */
function readTree(lines: readonly string[]): FileListing | undefined {
  const nonEmpty = lines.filter((l) => l.trim()).length;
  const npmBranches = lines.filter((line) => NPM_BRANCH.test(line)).length;
  // Only npm draws `─┬` (a package with dependencies under it); tree never does.
  const npm = npmBranches >= MIN_ENTRIES && npmBranches >= nonEmpty * 0.8 && lines.some((line) => line.includes('─┬'));
  const pattern = npm ? NPM_BRANCH : TREE_BRANCH;
  const columns = npm ? 2 : 4;
  const branches = npm ? npmBranches : lines.filter((line) => TREE_BRANCH.test(line)).length;
  if (branches < MIN_ENTRIES || branches < nonEmpty * 0.8) return undefined;
  const entries: ListingEntry[] = [];
  const stack: string[] = [];
  let root = '';
  lines.forEach((line, index) => {
    const branch = pattern.exec(line);
    if (!branch) {
      // tree's root is a folder its paths start from; npm's (`app@1.0.0 /path`) is the project, not a path part.
      if (!npm && entries.length === 0 && line.trim() && !TREE_SUMMARY.test(line.trim()))
        root = line.trim().replace(/\/$/, '');
      return;
    }
    const depth = branch[1].length / columns;
    stack.length = depth;
    const name = branch[2].replace(/\/$/, '').replace(/ -> .*$/, '');
    const dir = [root, ...stack].filter((part) => part && part !== '.').join('/');
    entries.push({ line: index, path: dir ? `${dir}/${name}` : name, dir, isDir: false, depth });
    stack.push(name);
  });
  // A branch is a directory when the next one is drawn deeper.
  entries.forEach(
    (entry, i) => (entry.isDir = (entries[i + 1]?.depth ?? -1) > entry.depth || branchEndsWithSlash(lines[entry.line])),
  );
  return { format: npm ? 'dependencies' : 'tree', entries };
}

const branchEndsWithSlash = (line: string) => line.trimEnd().endsWith('/');

/** `ls -R`: blocks of names, each under its directory's `path:` line. */
function readRecursiveLs(lines: readonly string[]): FileListing | undefined {
  const headers = lines.filter((line) => LS_HEADER.test(line) && !line.includes(': ')).length;
  if (headers < 2) return undefined;
  const entries: ListingEntry[] = [];
  let dir: string | undefined;
  let names = 0;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (!line.trim()) continue;
    const header = LS_HEADER.exec(line);
    if (header && !line.includes(': ')) {
      dir = header[1].replace(/\/$/, '');
      entries.push({ line: index, path: dir, dir: parentOf(dir), isDir: true, depth: 0 });
      continue;
    }
    if (/^total \d+$/.test(line)) continue;
    // Code (`def f():`) and YAML (`key:`) have header-like lines too, but indent what follows them.
    if (/^\s/.test(line)) return undefined;
    // Before the first header, `ls -R` prints the names of the directory it was given.
    const name = line.trim();
    const inDir = dir ?? '.';
    entries.push({ line: index, path: `${inDir}/${name}`, dir: inDir, isDir: false, depth: 0 });
    names++;
  }
  if (names < MIN_ENTRIES || entries.filter((e) => !e.isDir && e.path.includes(' ')).length > names * 0.2)
    return undefined;
  // A name that has its own block is a directory.
  const dirs = new Set(entries.filter((e) => e.isDir).map((e) => e.path));
  for (const entry of entries) if (!entry.isDir && dirs.has(entry.path)) entry.isDir = true;
  return { format: 'ls-recursive', entries };
}

/** One path a line: at least nine in ten lines look like paths and most of them name a directory. */
function readPaths(lines: readonly string[]): FileListing | undefined {
  const nonEmpty = lines.filter((line) => line.trim());
  if (nonEmpty.length < MIN_ENTRIES) return undefined;
  const paths = nonEmpty.filter((line) => PATH_LINE.test(line) && !/\s{2}/.test(line) && line.length < 400);
  if (paths.length < nonEmpty.length * 0.9) return undefined;
  if (paths.filter((line) => line.includes('/') || line.includes('\\')).length < paths.length * 0.6) return undefined;
  // Prose and logs have spaces in most lines; paths rarely do.
  if (paths.filter((line) => line.includes(' ')).length > paths.length * 0.2) return undefined;
  const entries: ListingEntry[] = [];
  lines.forEach((line, index) => {
    const path = line.trim().replace(/\\/g, '/');
    if (!path) return;
    const clean = path.length > 1 ? path.replace(/\/$/, '') : path;
    entries.push({
      line: index,
      path: clean,
      dir: parentOf(clean),
      isDir: path.endsWith('/') && path.length > 1,
      depth: 0,
    });
  });
  const parents = new Set(entries.map((e) => e.dir));
  for (const entry of entries) if (parents.has(entry.path)) entry.isDir = true;
  return { format: 'paths', entries };
}

/** The directory a path is in: `''` at the top, `/` for an absolute path's first part. */
export function parentOf(path: string): string {
  if (path === '/') return '';
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : slash === 0 ? '/' : path.slice(0, slash);
}

/** The file's type for counting: its extension, or the name itself for extensionless files such as `Makefile`. */
export function fileType(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot) : 'no extension';
}

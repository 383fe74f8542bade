import { topRelevant } from '../relevance/topRelevant';
import { fileType, parentOf, readListing, type ListingEntry } from '../fileListing';
import { marker } from '../marker';
import { relevanceScores, type Compressor } from './compressor';
import { splitLines } from './lines';

/** Files of a directory shown before its count: what kind of files live there, at a glance. */
const FILES_SHOWN = 2;
/** A directory with this few files more keeps them all: its marker would cost as much. */
const FEW_FILES = 2;
/** Beyond this many directories, the deepest are counted in their ancestors' markers instead of named. */
const MAX_DIRS = 200;
const TYPES_NAMED = 4;

interface Folded {
  files: number;
  dirs: number;
  types: Map<string, number>;
  /** The last line folded into it: its marker goes right after. */
  lastLine: number;
}

/**
 * File listings (find, git ls-files, glob results, `ls -R`, `tree`): every directory stays
 * named, with the files that match the question or that the conversation went on to name, the
 * first few of each directory, and for the rest a count per directory and file type. A marker
 * says which directory it counts, so nothing reads as one path repeated.
 */
export const compressListing: Compressor = async (input, context) => {
  const lines = splitLines(input);
  const listing = readListing(lines);
  if (!listing) return undefined;
  const entries = listing.entries;
  context.checkDeadline();

  const shownDirs = directoriesShown(entries);
  const keep = new Set<number>();
  const scores = await relevanceScores(
    context,
    entries.map((e) => e.path),
  );
  // Any positive score counts: a path shares few words with a question.
  const relevant = new Set(topRelevant(scores ?? [], context.tuning.relevantLines * 3, 0).map((i) => entries[i].line));
  const filesByDir = new Map<string, ListingEntry[]>();
  for (const entry of entries) {
    if (entry.isDir) continue;
    const list = filesByDir.get(entry.dir) ?? [];
    list.push(entry);
    filesByDir.set(entry.dir, list);
  }
  for (const entry of entries) if (entry.isDir && shownDirs.has(entry.path)) keep.add(entry.line);
  for (const [dir, files] of filesByDir) {
    if (!shownDirs.has(dir) && dir !== '') continue;
    const few = files.length <= FILES_SHOWN + FEW_FILES;
    files.forEach((file, i) => {
      if (few || i < FILES_SHOWN || relevant.has(file.line) || named(file, context.focus)) keep.add(file.line);
    });
  }
  // Files of a directory not shown are kept when they matter, under the marker of the ancestor that counts the rest.
  for (const entry of entries)
    if (!entry.isDir && (relevant.has(entry.line) || named(entry, context.focus))) keep.add(entry.line);

  const folded = new Map<string, Folded>();
  for (const entry of entries) {
    if (keep.has(entry.line)) continue;
    const owner = shownAncestor(entry.isDir ? entry.path : entry.dir, shownDirs, entry.isDir);
    const fold = folded.get(owner) ?? { files: 0, dirs: 0, types: new Map(), lastLine: -1 };
    if (entry.isDir) fold.dirs++;
    else {
      fold.files++;
      const type = fileType(entry.path);
      fold.types.set(type, (fold.types.get(type) ?? 0) + 1);
    }
    fold.lastLine = Math.max(fold.lastLine, entry.line);
    folded.set(owner, fold);
  }
  if (folded.size === 0) return undefined;

  const markersAfter = new Map<number, string[]>();
  const depthOf = new Map(entries.filter((e) => e.isDir).map((e) => [e.path, e.depth + 1]));
  for (const [dir, fold] of folded) {
    const columns = listing.format === 'tree' ? 4 : listing.format === 'dependencies' ? 2 : 0;
    const indent = ' '.repeat(columns * (depthOf.get(dir) ?? 0));
    const list = markersAfter.get(fold.lastLine) ?? [];
    list.push(indent + marker(describe(dir, fold, listing.format === 'dependencies'), context.inputHash));
    markersAfter.set(fold.lastLine, list);
  }
  const listed = new Set(entries.map((e) => e.line));
  const out: string[] = [];
  lines.forEach((line, i) => {
    // Lines that are not entries (a tree's root and summary, blank lines, `total N`) are the listing's frame.
    if (keep.has(i) || !listed.has(i)) out.push(line);
    out.push(...(markersAfter.get(i) ?? []));
  });
  return { text: out.join('\n'), transforms: [`listing:${listing.format}`] };
};

/** The directories the output names, in a line or a marker: all of them, or the shallowest `MAX_DIRS` when there are more. */
function directoriesShown(entries: readonly ListingEntry[]): Set<string> {
  // `git ls-files` and globs print no directory lines: the directories their paths imply count too.
  const dirs = [...new Set(entries.flatMap((e) => (e.isDir ? [e.path, e.dir] : [e.dir])))].filter(Boolean);
  if (dirs.length <= MAX_DIRS) return new Set(dirs);
  const depth = (path: string) => path.split('/').length;
  const byDepth = [...dirs].sort((a, b) => depth(a) - depth(b));
  const limit = depth(byDepth[MAX_DIRS - 1]);
  const shown = byDepth.filter((path) => depth(path) < limit);
  return new Set(shown.length > 0 ? shown : byDepth.slice(0, MAX_DIRS));
}

/** The nearest directory named in the output that holds `dir` (a hidden directory is counted by its parent). */
function shownAncestor(dir: string, shown: ReadonlySet<string>, isDir: boolean): string {
  let current = isDir ? parentOf(dir) : dir;
  while (current && !shown.has(current)) current = parentOf(current);
  return current;
}

/** The conversation went on to name this file (its name without the extension, or whole). */
function named(entry: ListingEntry, focus: { has(word: string): boolean } | undefined): boolean {
  if (!focus) return false;
  const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
  const stem = name.replace(/\.[^.]*$/, '');
  return stem.length >= 4 && (focus.has(stem) || focus.has(name));
}

function describe(dir: string, fold: Folded, packages: boolean): string {
  if (packages) {
    const count = fold.files + fold.dirs;
    return `${dir || 'top level'}: ${count} more ${count === 1 ? 'package' : 'packages'} under it`;
  }
  const types = [...fold.types].sort((a, b) => b[1] - a[1]);
  const namedTypes = types.slice(0, TYPES_NAMED).map(([type, count]) => `${count} ${type}`);
  const others = types.slice(TYPES_NAMED).reduce((sum, [, count]) => sum + count, 0);
  if (others > 0) namedTypes.push(`${others} other`);
  const parts = [];
  if (fold.files > 0)
    parts.push(`${fold.files} more ${fold.files === 1 ? 'file' : 'files'} (${namedTypes.join(', ')})`);
  if (fold.dirs > 0) parts.push(`${fold.dirs} more ${fold.dirs === 1 ? 'directory' : 'directories'}`);
  return `${dir || 'top level'}/: ${parts.join(', ')}`;
}

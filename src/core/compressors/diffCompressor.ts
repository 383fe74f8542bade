import { marker } from '../marker';
import { topRelevant } from '../relevance/topRelevant';
import { relevanceScores, type Compressor } from './compressor';
import { splitLines } from './lines';

/** Lockfiles, bundles, maps and other generated files: their diffs are summarised, not shown. */
const GENERATED_PATH =
  /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|Cargo\.lock|go\.sum|poetry\.lock|Pipfile\.lock|composer\.lock|Gemfile\.lock|uv\.lock|flake\.lock)$|\.min\.(js|css|mjs)$|\.(map|snap)$|(^|\/)(dist|build|vendor|node_modules|__generated__)\/|\.(pb\.go|generated\.\w+)$|_pb2\.py$/;
const MINIFIED_LINE_LENGTH = 500;
/** From this many changed lines a diff is too long to read whole: each hunk shows its start, the rest is counted. */
const LARGE_DIFF_CHANGES = 400;
const HUNK_LINES_SHOWN = 12;
/** Files of a large diff shown whole: the most relevant to the question. */
const RELEVANT_FILES_WHOLE = 2;

interface FileDiff {
  path: string;
  lines: string[];
}

/**
 * Unified and combined diffs: file headers, hunk headers and every changed line stay; long
 * runs of unchanged context are trimmed to a few lines around each change; generated files
 * are summarised by their size.
 */
export const compressDiff: Compressor = async (input, context) => {
  const files = splitFiles(splitLines(input));
  const large = countChanges(files.flatMap((f) => f.lines));
  const whole = large.added + large.removed >= LARGE_DIFF_CHANGES ? await relevantFiles(files, context) : undefined;
  const out: string[] = [];
  let changed = false;
  for (const file of files) {
    context.checkDeadline();
    const trimmed = isGenerated(file)
      ? summariseGenerated(file)
      : trimContext(file.lines, context.tuning.diffContextLines);
    const rendered = whole && !whole.has(file) ? capHunks(trimmed, context.inputHash) : trimmed;
    if (rendered.length !== file.lines.length || rendered.some((line, i) => line !== file.lines[i])) changed = true;
    out.push(...rendered);
  }
  if (!changed) return undefined;
  const { added, removed } = countChanges(files.flatMap((f) => f.lines));
  out.push(
    marker(
      `diff of ${files.length} ${files.length === 1 ? 'file' : 'files'}, +${added} −${removed}; unchanged context and generated files trimmed`,
      context.inputHash,
    ),
  );
  return { text: out.join('\n'), transforms: ['diff:context'] };
};

/** The files of a diff the question is most about (none without a question). */
async function relevantFiles(files: readonly FileDiff[], context: Parameters<Compressor>[1]): Promise<Set<FileDiff>> {
  const scores = await relevanceScores(
    context,
    files.map((f) => f.lines.join('\n')),
  );
  return new Set(topRelevant(scores ?? [], RELEVANT_FILES_WHOLE).map((i) => files[i]));
}

/** Each hunk's header and first lines; the rest of it counted in a marker. */
function capHunks(lines: readonly string[], hash: string): string[] {
  const out: string[] = [];
  let rest: string[] = [];
  let shown = 0;
  const flush = () => {
    if (rest.length > 0) {
      const { added, removed } = countChanges(rest);
      out.push(marker(`${rest.length} more lines of this hunk (+${added} −${removed})`, hash));
    }
    rest = [];
  };
  let inHunk = false;
  for (const line of lines) {
    if (line.startsWith('@@') || /^diff /.test(line)) {
      flush();
      inHunk = line.startsWith('@@');
      shown = 0;
      out.push(line);
    } else if (inHunk && shown >= HUNK_LINES_SHOWN) rest.push(line);
    else {
      out.push(line);
      shown++;
    }
  }
  flush();
  return out;
}

function splitFiles(lines: string[]): FileDiff[] {
  const files: FileDiff[] = [];
  let current: FileDiff = { path: '', lines: [] };
  lines.forEach((line, i) => {
    const startsFile =
      /^diff --(git|combined|cc) /.test(line) ||
      (line.startsWith('--- ') &&
        lines[i + 1]?.startsWith('+++ ') &&
        !/^diff /.test(lines[i - 1] ?? '') &&
        !/^index /.test(lines[i - 1] ?? ''));
    if (startsFile && current.lines.length > 0) {
      files.push(current);
      current = { path: '', lines: [] };
    }
    current.lines.push(line);
    const path = /^\+\+\+ (?:b\/)?(\S+)/.exec(line)?.[1] ?? /^diff --git a\/\S+ b\/(\S+)/.exec(line)?.[1];
    if (path && path !== '/dev/null') current.path = path;
    else if (!current.path && /^--- (?:a\/)?(\S+)/.test(line)) current.path = /^--- (?:a\/)?(\S+)/.exec(line)![1];
  });
  if (current.lines.length > 0) files.push(current);
  return files;
}

function isGenerated(file: FileDiff): boolean {
  if (GENERATED_PATH.test(file.path)) {
    const { added, removed } = countChanges(file.lines);
    return added + removed > 20;
  }
  return file.lines.some((line) => line.length > MINIFIED_LINE_LENGTH && /^[+-]/.test(line));
}

function summariseGenerated(file: FileDiff): string[] {
  const firstHunk = file.lines.findIndex((line) => line.startsWith('@@'));
  const header = firstHunk === -1 ? file.lines : file.lines.slice(0, firstHunk);
  const { added, removed } = countChanges(file.lines);
  return [...header, marker(`generated file: +${added} −${removed} lines not shown`)];
}

/** How many leading columns carry +/-/space markers: one for unified diffs, one per parent for combined ones. */
function prefixWidth(hunkHeader: string): number {
  const ats = /^(@+)/.exec(hunkHeader)?.[1].length ?? 2;
  return Math.max(1, ats - 1);
}

function trimContext(lines: string[], contextLines: number): string[] {
  const out: string[] = [];
  let width = 1;
  let inHunk = false;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith('@@')) {
      inHunk = true;
      width = prefixWidth(line);
      out.push(line);
      i++;
      continue;
    }
    if (!inHunk || !isContext(line, width)) {
      if (/^diff |^index /.test(line) || (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ '))) inHunk = false;
      out.push(line);
      i++;
      continue;
    }
    let end = i;
    while (end < lines.length && isContext(lines[end], width)) end++;
    const run = lines.slice(i, end);
    const hasBefore = i > 0 && !lines[i - 1].startsWith('@@');
    const hasAfter = end < lines.length && !lines[end].startsWith('@@') && !/^diff /.test(lines[end]);
    const head = hasBefore ? contextLines : 0;
    const tail = hasAfter ? contextLines : 0;
    const dropped = run.slice(head, run.length - tail);
    const note = marker(`${dropped.length} unchanged lines`);
    if (dropped.length > 1 && dropped.reduce((sum, line) => sum + line.length + 1, 0) > 2 * note.length) {
      out.push(...run.slice(0, head), note, ...run.slice(run.length - tail));
    } else {
      out.push(...run);
    }
    i = end;
  }
  return out;
}

function isContext(line: string, width: number): boolean {
  if (line === '') return true;
  for (let c = 0; c < width; c++) if (line.charAt(c) !== ' ') return false;
  return true;
}

function countChanges(lines: string[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.startsWith('+') && !line.startsWith('+++ ')) added++;
    else if (line.startsWith('-') && !line.startsWith('--- ')) removed++;
  }
  return { added, removed };
}

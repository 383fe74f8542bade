import { IDENTIFIER, isCodeLike } from '../identifiers';
import { marker } from '../marker';
import { topRelevant } from '../relevance/topRelevant';
import { relevanceScores, type CompressorContext, type CompressorResult } from './compressor';
import { lineLevel } from './lines';

/** `git log`'s (and `git show`'s, `hg log`'s) first line of each commit. */
const COMMIT_HEADER = /^(commit|changeset:)\s+[0-9a-f:]{7,}\b/;
/** `git log --oneline`, `--format='%h %s'`: an abbreviated hash, then the subject. */
// A hash with a letter in it and a subject that is not a number: log lines open with digits too.
const ONELINE = /^(\* )?(?=[0-9]*[a-f])[0-9a-f]{7,12} [^\d\s]/;
const MIN_COMMITS = 6;
const FIRST_COMMITS = 3;
const LAST_COMMITS = 1;

interface Commit {
  /** Its lines: from its header to the line before the next one. */
  start: number;
  end: number;
}

/**
 * Commit logs are records, not a log: one `commit …` line stands for that commit alone, never
 * for the others (`[×N]` would hide which commit touched what). Commits the question or the
 * later conversation names, and the newest few, are kept whole; every other commit keeps its
 * header and subject, so each one can still be named, and its files and stats are counted.
 */
export async function compressCommitLog(
  lines: readonly string[],
  context: CompressorContext,
): Promise<CompressorResult | undefined> {
  const commits = commitsOf(lines);
  if (!commits) return undefined;
  const texts = commits.map((c) => lines.slice(c.start, c.end + 1).join('\n'));
  const whole = new Set<number>();
  const scores = await relevanceScores(context, texts);
  for (const i of topRelevant(scores ?? [], context.tuning.relevantRows)) whole.add(i);
  commits.forEach((_, i) => {
    if (i < FIRST_COMMITS || i >= commits.length - LAST_COMMITS || named(texts[i], context.focus)) whole.add(i);
    if (texts[i].split('\n').some((line) => lineLevel(line) === 'error' && !/^\s{4}/.test(line))) whole.add(i);
  });
  if (whole.size >= commits.length * 0.8) return undefined;

  const out: string[] = lines.slice(0, commits[0].start);
  let folded = 0;
  commits.forEach((commit, i) => {
    const block = lines.slice(commit.start, commit.end + 1);
    if (whole.has(i)) {
      out.push(...block);
      return;
    }
    const shown = headerAndSubject(block);
    out.push(...shown);
    folded += block.length - shown.length;
  });
  out.push(
    marker(
      `${commits.length - whole.size} of ${commits.length} commits shown by their header and subject only (${folded} lines: authors, dates, bodies, files changed)`,
      context.inputHash,
    ),
  );
  return { text: out.join('\n'), transforms: ['log:commits'] };
}

/** The commits of a log, or undefined when the output is not one. */
function commitsOf(lines: readonly string[]): Commit[] | undefined {
  const headers = lines.flatMap((line, i) => (COMMIT_HEADER.test(line) ? [i] : []));
  if (headers.length >= MIN_COMMITS) {
    return headers.map((start, k) => ({ start, end: (headers[k + 1] ?? lines.length) - 1 }));
  }
  const onelines = lines.flatMap((line, i) => (ONELINE.test(line) ? [i] : []));
  const nonEmpty = lines.filter((line) => line.trim()).length;
  if (onelines.length >= MIN_COMMITS && onelines.length >= nonEmpty * 0.8)
    return onelines.map((start, k) => ({ start, end: Math.min((onelines[k + 1] ?? lines.length) - 1, start) }));
  return undefined;
}

/** The commit line and the first line of its message (a oneline commit is its own subject). */
function headerAndSubject(block: readonly string[]): string[] {
  const subject = block.findIndex((line, i) => i > 0 && /^\s{4}\S/.test(line));
  return subject < 0 ? block.slice(0, 1) : [block[0], block[subject]];
}

/** The conversation went on to name a file the commit changed, or a code-like word in it. */
function named(text: string, focus: { has(word: string): boolean } | undefined): boolean {
  if (!focus) return false;
  for (const line of text.split('\n')) {
    const changed = /^\s*(\S+?)\s+\|\s+\d+/.exec(line)?.[1];
    const stem = changed?.slice(changed.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
    if (stem && stem.length >= 4 && focus.has(stem)) return true;
  }
  for (const [word] of text.matchAll(IDENTIFIER)) if (isCodeLike(word) && focus.has(word)) return true;
  return false;
}

import { topRelevant } from '../relevance/topRelevant';
import { readDiagnostics, type Finding } from '../diagnostics';
import { marker } from '../marker';
import { relevanceScores, type Compressor } from './compressor';
import { lineLevel, splitLines } from './lines';

/** Lines of a finding's block kept: the message, the snippet or assertion under it. */
const BLOCK_LINES = 8;
/** A failing test's block is what the model fixes from: more of it is kept. */
const FAILURE_LINES = 16;
/** Repeats of one finding shown by their first line before the rest is counted. */
const REPEATS_SHOWN = 2;
const FILES_NAMED = 5;
const FRAME_HEAD = 3;
const FRAME_TAIL = 5;

/**
 * Build, lint and test output: every distinct error and warning with its first location and
 * message (and its snippet), every failing test with its assertion and location, repeats of
 * one error counted with the files they are in, passing tests counted, and the runner's
 * summary kept. What is dropped is retrievable.
 */
export const compressDiagnostics: Compressor = async (input, context) => {
  const lines = splitLines(input);
  const report = readDiagnostics(lines);
  if (!report) return undefined;
  context.checkDeadline();
  const keep = new Set<number>();
  const accounted = new Set<number>();
  const markersAfter = new Map<number, string[]>();
  const addMarker = (after: number, text: string) =>
    markersAfter.set(after, [...(markersAfter.get(after) ?? []), text]);

  const scores = await relevanceScores(
    context,
    report.findings.map((f) => lines.slice(f.line, f.end + 1).join('\n')),
  );
  const groups = new Map<string, Finding[]>();
  report.findings.forEach((finding) => {
    const key = `${finding.severity}|${finding.code ?? ''}|${finding.template}`;
    groups.set(key, [...(groups.get(key) ?? []), finding]);
  });
  // Any positive score counts: a finding shares few words with a question.
  const relevant = new Set(topRelevant(scores ?? [], context.tuning.relevantLines, 0).map((i) => report.findings[i]));

  for (const findings of groups.values()) {
    const [first] = findings;
    const shown =
      first.severity === 'failure' ? findings : findings.filter((f, i) => i <= REPEATS_SHOWN || relevant.has(f));
    for (const finding of shown) {
      const full = finding === first || finding.severity === 'failure' || relevant.has(finding);
      keepBlock(lines, finding, full ? (finding.severity === 'failure' ? FAILURE_LINES : BLOCK_LINES) : 1, keep);
    }
    const hidden = findings.filter((f) => !shown.includes(f));
    if (hidden.length === 0) continue;
    for (const finding of hidden) for (let i = finding.line; i <= finding.end; i++) accounted.add(i);
    const lastShown = shown[shown.length - 1];
    addMarker(lastShown.line, marker(`${hidden.length} more like this${inFiles(hidden)}`, context.inputHash));
  }

  const { tests, lines: passingLines } = report.passing;
  if (tests > 0) {
    for (const i of passingLines) accounted.add(i);
    addMarker(passingLines[passingLines.length - 1], marker(`${tests} passing ${tests === 1 ? 'test' : 'tests'}`));
  }
  // The runner's own lines: its summary, anything that reads as an error, and the first and last few.
  const inFinding = new Set(report.findings.flatMap((f) => range(f.line, f.end)));
  lines.forEach((line, i) => {
    if (inFinding.has(i) || accounted.has(i)) return;
    if (i < FRAME_HEAD || i >= lines.length - FRAME_TAIL || lineLevel(line) !== 'normal' || SUMMARY_LINE.test(line))
      keep.add(i);
  });

  const out: string[] = [];
  let gap = 0;
  const flushGap = () => {
    if (gap > 0) out.push(marker(`${gap} ${gap === 1 ? 'line' : 'lines'} omitted`, context.inputHash));
    gap = 0;
  };
  lines.forEach((line, i) => {
    if (keep.has(i)) {
      flushGap();
      out.push(line);
    } else if (!accounted.has(i)) gap++;
    const after = markersAfter.get(i);
    if (after) {
      flushGap();
      out.push(...after);
    }
  });
  flushGap();
  return { text: out.join('\n'), transforms: ['diagnostics'] };
};

/** Counts of tests and errors the runner or compiler prints at the end. */
const SUMMARY_LINE =
  /\b\d+ (errors?|warnings?|problems?|failed|failures?|passed|passing|failing|tests?|skipped)\b|^(FAIL|ok|PASS|FAILED|error: could not compile)\b/i;

function keepBlock(lines: readonly string[], finding: Finding, limit: number, keep: Set<number>): void {
  for (let i = finding.line; i <= finding.end && i < finding.line + limit; i++) keep.add(i);
  if (limit <= 1) return;
  // Past the limit, the lines that name a place or an error still matter (the assertion, the frame in the test file).
  for (let i = finding.line + limit; i <= finding.end && i < finding.line + limit * 4; i++)
    if (/\S+\.\w+:\d+/.test(lines[i]) || lineLevel(lines[i]) === 'error') keep.add(i);
}

function inFiles(findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) if (f.file) counts.set(f.file, (counts.get(f.file) ?? 0) + 1);
  if (counts.size === 0) return '';
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const named = ranked.slice(0, FILES_NAMED).map(([file, count]) => (count > 1 ? `${file} ×${count}` : file));
  const others = ranked.length - FILES_NAMED;
  return ` in ${named.join(', ')}${others > 0 ? ` and ${others} more ${others === 1 ? 'file' : 'files'}` : ''}`;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}

import { marker } from '../marker';
import { compressCommitLog } from './commitLogCompressor';
import { relevantLeftOut, topRelevant } from '../relevance/topRelevant';
import { relevanceScores, type Compressor } from './compressor';
import { isStackLine, lineLevel, renderKeptLines, splitLines } from './lines';
import { LogTemplateMiner } from './logTemplates';

const MIN_LINES = 8;

/**
 * Logs: every template's first line with its count, every error and warning template with a
 * little context and its stack trace, the lines most relevant to the query, and the first
 * and last lines. Everything else is counted, not shown.
 */
export const compressLog: Compressor = async (input, context) => {
  const { tuning } = context;
  const lines = splitLines(input);
  if (lines.length < MIN_LINES) return undefined;
  const commits = await compressCommitLog(lines, context);
  if (commits) return commits;
  const levels = lines.map(lineLevel);
  const miner = new LogTemplateMiner();
  const clusterOf = lines.map((line, i) => {
    if (i % 4096 === 0) context.checkDeadline();
    return miner.add(line, levels[i]);
  });

  const kept = new Set<number>();
  const counts = new Map<number, number>();
  const firstSeen = new Set<number>();
  let problemTemplates = 0;
  for (let i = 0; i < lines.length; i++) {
    const cluster = clusterOf[i];
    if (firstSeen.has(cluster)) continue;
    firstSeen.add(cluster);
    kept.add(i);
    counts.set(i, miner.sizes[cluster]);
    if (levels[i] === 'normal') continue;
    problemTemplates++;
    if (levels[i] === 'error') keepContext(i);
  }

  function keepContext(i: number): void {
    for (let c = 1; c <= tuning.errorContextLines; c++) {
      if (i - c >= 0) kept.add(i - c);
      if (i + c < lines.length) kept.add(i + c);
    }
    for (let j = i + 1; j < lines.length && j - i <= tuning.stackTraceLines && isStackLine(lines[j]); j++) kept.add(j);
    for (let j = i - 1; j >= 0 && i - j <= tuning.stackTraceLines && isStackLine(lines[j]); j--) kept.add(j);
  }

  const scores = await relevanceScores(context, lines);
  if (scores) for (const i of topRelevant(scores, tuning.relevantLines)) kept.add(i);
  for (let i = 0; i < Math.min(tuning.logHeadLines, lines.length); i++) kept.add(i);
  for (let i = Math.max(0, lines.length - tuning.logTailLines); i < lines.length; i++) kept.add(i);
  if (kept.size >= lines.length * 0.9) return undefined;

  const out = renderKeptLines(lines, kept, counts);
  const unshown = scores ? relevantLeftOut(scores, tuning.relevantLines, kept) : 0;
  const matches =
    unshown > 0 ? `; ${unshown} more omitted ${unshown === 1 ? 'line matches' : 'lines match'} the question` : '';
  const summary = `${lines.length - kept.size} of ${lines.length} lines omitted; kept the first line of each of ${miner.templates.length} templates (×N: lines it stands for), ${problemTemplates} error/warning templates with context, first and last lines${matches}`;
  out.push(marker(summary, context.inputHash));
  return { text: out.join('\n'), transforms: ['log:templates'] };
};

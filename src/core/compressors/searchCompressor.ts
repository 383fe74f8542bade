import { definitionOf, IDENTIFIER, isCodeLike } from '../identifiers';
import { searchLine } from '../detect';
import { marker } from '../marker';
import { relevanceScores, type Compressor } from './compressor';
import { splitLines } from './lines';

interface FileHits {
  path: string;
  /** Line indices of matches (not context lines) in the input. */
  matches: number[];
  best: number;
}

const HEADING_MATCH = /^(\d+)([:-])(.*)$/;

/**
 * grep / ripgrep output (`path:line:text`, ripgrep's per-file headings, or one file's
 * `line:text`): matches grouped
 * by file, the best few per file by relevance to the query, the most relevant files first,
 * and a count of what was dropped.
 */
export const compressSearch: Compressor = async (input, context) => {
  const { tuning } = context;
  const lines = splitLines(input);
  const fileOf: Array<string | undefined> = new Array<string | undefined>(lines.length);
  const isMatch: boolean[] = new Array<boolean>(lines.length).fill(false);
  let heading: string | undefined;
  lines.forEach((line, i) => {
    const grep = searchLine(line);
    if (grep && /[./\\]/.test(grep[1])) {
      fileOf[i] = grep[1];
      isMatch[i] = line.charAt(grep[1].length) === ':';
      return;
    }
    const numbered = HEADING_MATCH.exec(line);
    if (numbered) {
      // Before any heading: the one file a single-file search looked in.
      fileOf[i] = heading ?? '';
      isMatch[i] = numbered[2] === ':';
      return;
    }
    if (line.trim() && !/\s/.test(line.trim())) heading = line.trim();
  });

  const files = new Map<string, FileHits>();
  lines.forEach((_, i) => {
    const path = fileOf[i];
    if (path === undefined || !isMatch[i]) return;
    const hits = files.get(path) ?? { path, matches: [], best: 0 };
    hits.matches.push(i);
    files.set(path, hits);
  });
  if (files.size === 0) return undefined;
  context.checkDeadline();

  const scores = await relevanceScores(context, lines);
  const score = (i: number) => scores?.[i] ?? 0;
  for (const hits of files.values()) hits.best = Math.max(0, ...hits.matches.slice(0, 1000).map(score));

  const ranked = [...files.values()].sort((a, b) => b.best - a.best || b.matches.length - a.matches.length);
  const keptFiles = ranked.slice(0, tuning.searchFiles);
  const kept = new Set<number>();
  const perFileDropped = new Map<number, number>();
  for (const hits of keptFiles) {
    const best = [...hits.matches].sort((a, b) => score(b) - score(a) || a - b).slice(0, tuning.searchMatchesPerFile);
    for (const i of best) {
      kept.add(i);
      for (const j of [i - 1, i + 1]) if (fileOf[j] === hits.path && !isMatch[j]) kept.add(j);
    }
    const dropped = hits.matches.length - best.length;
    if (dropped > 0) perFileDropped.set(Math.max(...best), dropped);
  }
  // Where a name the question asks about is defined is what a search is usually for: kept, whatever the file's rank.
  const definitions = definitionPattern(context.query);
  if (definitions) lines.forEach((line, i) => isMatch[i] && definitions.test(line) && kept.add(i));
  const keptPaths = new Set([...kept].map((i) => fileOf[i]).filter((p): p is string => p !== undefined));
  lines.forEach((line, i) => {
    if (fileOf[i] === undefined && keptPaths.has(line.trim())) kept.add(i);
  });
  if (kept.size >= lines.length * 0.9) return undefined;

  const out: string[] = [];
  for (const i of [...kept].sort((a, b) => a - b)) {
    out.push(lines[i]);
    const dropped = perFileDropped.get(i);
    if (dropped) out.push(marker(`${dropped} more ${dropped === 1 ? 'match' : 'matches'} in this file`));
  }
  const droppedFiles = ranked.slice(tuning.searchFiles);
  const totalMatches = ranked.reduce((sum, f) => sum + f.matches.length, 0);
  const keptMatches = [...kept].filter((i) => isMatch[i]).length;
  let summary = `${totalMatches - keptMatches} of ${totalMatches} matches omitted (${files.size} files; kept the best ${tuning.searchMatchesPerFile} per file${scores ? ' by relevance to the question' : ''})`;
  if (droppedFiles.length > 0) {
    const names = droppedFiles
      .slice(0, 30)
      .map((f) => `${f.path} (${f.matches.length})`)
      .join(', ');
    summary += `; files not shown: ${names}${droppedFiles.length > 30 ? `, and ${droppedFiles.length - 30} more` : ''}`;
  }
  out.push(marker(summary, context.inputHash));
  return { text: out.join('\n'), transforms: ['search:rank'] };
};

/** A line defining one of the code-like names the question asks about. */
function definitionPattern(query: string | undefined): RegExp | undefined {
  // Only words that read as code: English words of a question would match every definition.
  return definitionOf([...new Set(query?.match(IDENTIFIER) ?? [])].filter(isCodeLike));
}

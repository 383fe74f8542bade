import { marker } from '../marker';
import { topRelevant } from '../relevance/topRelevant';
import { countTokens } from '../tokens';
import { relevanceScores, type Compressor, type CompressorContext } from './compressor';
import { splitLines } from './lines';

const MIN_REPEATED_RUN = 3;
const MIN_BLOCK_LINES = 3;
/** Prose shorter than this many tokens is only de-duplicated, never cut by relevance. */
const MIN_PROSE_TOKENS_TO_SELECT = 2_000;

/**
 * Prose: de-duplicated like code; a long text with a question also keeps only its opening,
 * its end and the paragraphs most relevant to the question.
 */
export const compressProse: Compressor = async (input, context) => {
  const deduped = dedupeLines(splitLines(input), context);
  const lines = deduped ?? splitLines(input);
  const selected = await selectRelevantParagraphs(lines, context);
  if (selected)
    return {
      text: selected.join('\n'),
      transforms: deduped ? ['text:dedupe', 'prose:relevance'] : ['prose:relevance'],
    };
  return deduped ? { text: deduped.join('\n'), transforms: ['text:dedupe'] } : undefined;
};

/** Runs of one repeated line and paragraphs repeated verbatim, each put behind a marker; undefined when there are none. */
export function dedupeLines(lines: string[], context: CompressorContext): string[] | undefined {
  const out: string[] = [];
  let changed = false;
  const blockStarts = new Map<string, number>();
  let i = 0;
  while (i < lines.length) {
    if (i % 4096 === 0) context.checkDeadline();
    let run = 1;
    while (i + run < lines.length && lines[i + run] === lines[i]) run++;
    if (run >= MIN_REPEATED_RUN && lines[i].trim()) {
      out.push(lines[i], marker(`previous line repeated ${run - 1} more times`));
      changed = true;
      i += run;
      continue;
    }
    const block = blockAt(lines, i);
    if (block) {
      const key = block.join('\n');
      const earlier = blockStarts.get(key);
      if (earlier !== undefined) {
        out.push(marker(`${block.length} lines repeating lines ${earlier + 1}–${earlier + block.length}`));
        changed = true;
        i += block.length;
        continue;
      }
      blockStarts.set(key, i);
    }
    out.push(lines[i]);
    i++;
  }
  return changed ? out : undefined;
}

/** A paragraph starting at `i`: consecutive non-blank lines after a blank line or the start. */
function blockAt(lines: string[], i: number): string[] | undefined {
  if (i > 0 && lines[i - 1].trim() !== '') return undefined;
  let end = i;
  while (end < lines.length && lines[end].trim() !== '') end++;
  return end - i >= MIN_BLOCK_LINES ? lines.slice(i, end) : undefined;
}

async function selectRelevantParagraphs(lines: string[], context: CompressorContext): Promise<string[] | undefined> {
  if (!context.query) return undefined;
  const paragraphs = paragraphsOf(lines);
  if (paragraphs.length < 6) return undefined;
  const text = lines.join('\n');
  if (countTokens(text) < MIN_PROSE_TOKENS_TO_SELECT) return undefined;
  const scores = await relevanceScores(
    context,
    paragraphs.map((p) => p.join('\n')),
  );
  if (!scores) return undefined;
  const keep = new Set(
    topRelevant(scores, Math.max(3, Math.ceil(paragraphs.length * context.tuning.proseRelevantShare)), 0.2),
  );
  keep.add(0);
  keep.add(1);
  keep.add(paragraphs.length - 1);
  if (keep.size >= paragraphs.length * 0.8) return undefined;
  const out: string[] = [];
  let gap = 0;
  paragraphs.forEach((paragraph, p) => {
    if (!keep.has(p)) {
      gap++;
      return;
    }
    if (gap > 0) out.push(marker(`${gap} ${gap === 1 ? 'paragraph' : 'paragraphs'} omitted`), '');
    gap = 0;
    out.push(...paragraph, '');
  });
  if (gap > 0) out.push(marker(`${gap} paragraphs omitted`));
  out.push(
    marker(
      `${paragraphs.length - keep.size} of ${paragraphs.length} paragraphs omitted; kept the opening, the end and those most relevant to the question`,
      context.inputHash,
    ),
  );
  return out;
}

function paragraphsOf(lines: string[]): string[][] {
  const paragraphs: string[][] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') {
      if (current.length > 0) paragraphs.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) paragraphs.push(current);
  return paragraphs;
}

import type { CodeBody } from '../codeOutline';
import { marker } from '../marker';
import { topRelevant } from '../relevance/topRelevant';
import { relevanceScores, type Compressor, type CompressorContext } from './compressor';
import { splitLines } from './lines';
import { dedupeLines } from './textCompressor';

/** A whole file the model asked for is outlined only when it is this long: a short one is read as it is. */
const WHOLE_FILE_MIN_LINES = 400;
/** Of the bodies that match the question, at most this share stays. */
const RELEVANT_BODY_SHARE = 0.2;
/** An outline the parser read this badly is not trusted. */
const MAX_ERROR_SHARE = 0.05;

/**
 * Code: exact repetition goes (runs of one line, paragraphs repeated verbatim). With a parser,
 * a file that lies turns back in the conversation, or a long whole file the model just asked
 * for, keeps its imports, declarations and signatures, and the bodies that the question or the
 * later conversation names; every other function or method body goes behind a marker that
 * retrieves exactly that body. A range the model has just read is never outlined: it is
 * about to be edited.
 */
export const compressCode: Compressor = async (input, context) => {
  const outlined = await outline(input, context);
  if (outlined) return outlined;
  const lines = dedupeLines(splitLines(input), context);
  return lines ? { text: lines.join('\n'), transforms: ['text:dedupe'] } : undefined;
};

async function outline(input: string, context: CompressorContext) {
  const { codeParser, language, role } = context;
  if (!codeParser || !language || role === 'current') return undefined;
  const lines = splitLines(input);
  if (role === 'whole-file' && lines.length < WHOLE_FILE_MIN_LINES) return undefined;
  const structure = await codeParser.outline(input, language);
  context.checkDeadline();
  if (!structure || structure.errorShare > MAX_ERROR_SHARE || structure.bodies.length === 0) return undefined;
  const kept = await keptBodies(structure.bodies, lines, context);
  const elided = structure.bodies.filter((_, i) => !kept.has(i));
  if (elided.length === 0) return undefined;

  const out: string[] = [];
  let next = 0;
  for (const body of elided) {
    out.push(...lines.slice(next, body.firstLine));
    const text = lines.slice(body.firstLine, body.lastLine + 1).join('\n');
    const indent = /^\s*/.exec(lines[body.firstLine])?.[0] ?? '';
    out.push(
      `${indent}${marker(`lines ${body.firstLine + 1}–${body.lastLine + 1}: body of ${body.symbol}`, context.keepOriginal(text, 'code'))}`,
    );
    next = body.lastLine + 1;
  }
  out.push(...lines.slice(next));
  return { text: out.join('\n'), transforms: [`code:outline:${structure.language}`] };
}

/** Bodies that stay: named by the later conversation, or among the most relevant to the question. */
async function keptBodies(
  bodies: readonly CodeBody[],
  lines: readonly string[],
  context: CompressorContext,
): Promise<Set<number>> {
  const kept = new Set<number>();
  bodies.forEach((body, i) => {
    const name = body.symbol.split(/[.:]/).pop() ?? body.symbol;
    if (context.focus?.has(name)) kept.add(i);
  });
  const texts = bodies.map((b) => `${b.symbol}\n${lines.slice(b.firstLine, b.lastLine + 1).join('\n')}`);
  const scores = await relevanceScores(context, texts);
  if (scores)
    for (const i of topRelevant(scores, Math.max(1, Math.ceil(bodies.length * RELEVANT_BODY_SHARE)), 0.5)) kept.add(i);
  return kept;
}

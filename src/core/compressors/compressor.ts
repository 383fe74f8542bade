import type { Tuning } from '../tuning';
import type { CodeParser } from '../codeOutline';
import type { ContentKind, IdentifierSet, RelevanceScorer } from '../types';

export interface CompressorContext {
  query?: string;
  scorer: RelevanceScorer;
  tuning: Tuning;
  /** Hash of the whole input, stored by the engine; text compressors point their marker at it. */
  inputHash: string;
  /** Throws when the time budget is spent. */
  checkDeadline(): void;
  /** Keeps a further original (e.g. one nested JSON array) and returns the hash its marker names. */
  keepOriginal(content: string, kind: ContentKind): string;
  /** Reads code's structure, when a parser was given. */
  codeParser?: CodeParser;
  /** The source language, from the path the tool call named. */
  language?: string;
  /**
   * What the output is to the conversation: `current` when the model has just asked for it,
   * `whole-file` when that was a whole file, `history` when it lies turns back (see compress()).
   */
  role: OutputRole;
  /** Identifiers the conversation used after this output; a body they name is kept. */
  focus?: IdentifierSet;
}

export type OutputRole = 'current' | 'whole-file' | 'history';

export interface CompressorResult {
  text: string;
  transforms: string[];
}

/** Resolves to undefined when the compressor finds nothing worth dropping. */
export type Compressor = (input: string, context: CompressorContext) => Promise<CompressorResult | undefined>;

/** Scores chunks against the query, or undefined when there is no query to score against. */
export async function relevanceScores(
  context: CompressorContext,
  chunks: readonly string[],
): Promise<number[] | undefined> {
  if (!context.query?.trim() || chunks.length === 0) return undefined;
  return context.scorer.score(context.query, chunks);
}

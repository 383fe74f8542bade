import { compressText } from '../src/core/compressText';
import { MemoryStore } from '../src/core/memoryStore';

/** Something the model must still be able to see after compression. */
export interface Needle {
  /** Whether a line of the compressed output, or of what a retrieve returns, shows the needle. */
  seen: (line: string) => boolean;
  /** The words a model would retrieve it with, having seen the marker. */
  query: string;
}

/** A needle that is a piece of text. */
export function textNeedle(text: string, query: string): Needle {
  return { seen: (line) => line.includes(text), query };
}

const shows = (text: string, needle: Needle) => text.split('\n').some(needle.seen);

/** One tool output of a corpus, the question asked when it was compressed, and its needles. */
export interface Case {
  content: string;
  query?: string;
  needles: Needle[];
}

export interface CorpusResult {
  corpus: string;
  cases: number;
  tokensBefore: number;
  tokensAfter: number;
  needles: number;
  /** Needles found in the compressed output itself. */
  inOutput: number;
  /** Needles found in the output or in a query-targeted retrieve of one of its markers. */
  retrievable: number;
}

/** How many rows or lines a retrieve asks for: what a model would ask for to look closer. */
const RETRIEVE_LIMIT = 20;

/**
 * Compresses every case with the engine's defaults and checks each needle: in the output,
 * or, failing that, in what `headroom_retrieve` returns for one of the output's markers when
 * asked with the needle's query (as a model that saw the marker would).
 */
export async function measure(corpus: string, cases: readonly Case[]): Promise<CorpusResult> {
  const result: CorpusResult = {
    corpus,
    cases: cases.length,
    tokensBefore: 0,
    tokensAfter: 0,
    needles: 0,
    inOutput: 0,
    retrievable: 0,
  };
  for (const item of cases) {
    const store = new MemoryStore();
    const compressed = await compressText(item.content, { query: item.query, store });
    result.tokensBefore += compressed.tokensBefore;
    result.tokensAfter += compressed.tokensAfter;
    for (const needle of item.needles) {
      result.needles++;
      if (shows(compressed.text, needle)) {
        result.inOutput++;
        result.retrievable++;
        continue;
      }
      for (const hash of compressed.markerHashes) {
        const outcome = await store.retrieve(hash, { query: needle.query, limit: RETRIEVE_LIMIT });
        if (outcome.ok && shows(outcome.part.content, needle)) {
          result.retrievable++;
          break;
        }
      }
    }
  }
  return result;
}

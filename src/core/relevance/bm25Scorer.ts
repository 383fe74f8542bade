import bm25 from 'wink-bm25-text-search';
import { maxOf } from '../numeric';
import type { RelevanceScorer } from '../types';
import { lexicalScorer } from './lexicalScorer';
import { terms } from './terms';

/** wink-bm25-text-search refuses to consolidate fewer documents than this. */
const WINK_MIN_DOCUMENTS = 3;
/** Up to this many documents every one is indexed in full; above it, see `stand-ins`. */
const FULL_INDEX_LIMIT = 256;
/** A term our tokenizer never produces: what pads the stand-in documents. */
const STAND_IN_TERM = '\u0001';

/** A query term held by more than this share of the documents counts as common. */
const COMMON_TERM_SHARE = 0.05;

/**
 * Okapi BM25 through wink-bm25-text-search, one fresh index per call (the documents are the
 * chunks of one tool output, and wink cannot add documents after consolidating).
 *
 * wink's consolidation costs time in every distinct term of every document, so for large
 * inputs only the documents holding a rare query term are indexed as they are. Every other
 * document is indexed as a stand-in: its occurrences of the common query terms, padded with a
 * term no query holds to its length (estimated from its characters, to spare tokenizing it).
 * Document count and query-term document frequencies are those of the full index; lengths
 * are close, so scores stay within a few percent of the full index's (tested).
 */
export const bm25Scorer: RelevanceScorer = {
  name: 'bm25',
  score(query, documents) {
    const queryTerms = [...new Set(terms(query))];
    if (queryTerms.length === 0) return documents.map(() => 0);
    const indexed: number[] = [];
    documents.forEach((text, id) => {
      if (HAS_WORD.test(text)) indexed.push(id);
    });
    if (indexed.length < WINK_MIN_DOCUMENTS) return lexicalScorer.score(query, documents);

    const engine = bm25();
    engine.defineConfig({ fldWeights: { body: 1 } });
    // A stand-in arrives as its terms already; a document as its text.
    engine.definePrepTasks([(body: string | string[]) => (typeof body === 'string' ? terms(body) : body)]);
    let loweredTexts: string[] | undefined;
    // Only large inputs and identifier queries read the lower-cased texts.
    const lowered = () => (loweredTexts ??= documents.map((text) => text.toLowerCase()));
    if (indexed.length > FULL_INDEX_LIMIT) {
      const texts = lowered();
      const rare = queryTerms.filter((term) => countHolding(texts, indexed, term) <= indexed.length * COMMON_TERM_SHARE);
      const common = queryTerms.filter((term) => !rare.includes(term));
      const termsPerChar = estimateTermsPerChar(indexed.map((id) => documents[id]));
      const padding = new StandInPadding();
      for (const id of indexed) {
        const text = texts[id];
        if (rare.some((term) => text.includes(term))) engine.addDoc({ body: documents[id] }, id);
        else engine.addDoc({ body: padding.standIn(text, common, Math.max(1, Math.round(text.length * termsPerChar))) }, id);
      }
    } else {
      for (const id of indexed) engine.addDoc({ body: documents[id] }, id);
    }
    engine.consolidate();

    const scores = documents.map(() => 0);
    for (const [id, score] of engine.search(queryTerms.join(' '), documents.length)) {
      scores[Number(id)] = score;
    }
    return boostExactIdentifiers(query, lowered, scores);
  },
};

const HAS_WORD = /[\p{L}\p{N}]/u;

function countHolding(lowered: readonly string[], ids: readonly number[], term: string): number {
  let count = 0;
  for (const id of ids) if (lowered[id].includes(term)) count++;
  return count;
}

/**
 * Stand-in documents: the common query terms a document holds, as often as it holds them,
 * padded with a term no query holds to its length. Most documents hold none of the common
 * terms, and those of one length share one array (wink only reads it).
 */
class StandInPadding {
  private readonly bare = new Map<number, string[]>();

  standIn(lowered: string, common: readonly string[], length: number): string[] {
    const out: string[] = [];
    for (const term of common) {
      for (let at = lowered.indexOf(term); at !== -1; at = lowered.indexOf(term, at + term.length)) out.push(term);
    }
    if (out.length === 0) {
      let shared = this.bare.get(length);
      if (!shared) this.bare.set(length, (shared = new Array<string>(length).fill(STAND_IN_TERM)));
      return shared;
    }
    while (out.length < length) out.push(STAND_IN_TERM);
    return out;
  }
}

function estimateTermsPerChar(texts: readonly string[]): number {
  const step = Math.max(1, Math.floor(texts.length / 200));
  let chars = 0;
  let count = 0;
  for (let i = 0; i < texts.length; i += step) {
    chars += texts[i].length;
    count += terms(texts[i]).length;
  }
  return chars === 0 ? 0 : count / chars;
}

/**
 * Agents ask about ids, hashes and error codes (`user-zebra-42`, `ERR_SOCKET_TIMEOUT`),
 * which term splitting breaks into common words. A document holding such an identifier
 * verbatim gets the best score on top of its own, so it outranks documents that merely
 * share its parts.
 */
function boostExactIdentifiers(query: string, lowered: () => readonly string[], scores: number[]): number[] {
  const identifiers = query
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').toLowerCase())
    .filter((word) => word.length >= 4 && /[\p{L}]/u.test(word) && /[\d\-_.:/]/.test(word));
  if (identifiers.length === 0) return scores;
  const best = Math.max(1, maxOf(scores));
  const texts = lowered();
  return scores.map((score, i) => (identifiers.some((id) => texts[i].includes(id)) ? score + best : score));
}

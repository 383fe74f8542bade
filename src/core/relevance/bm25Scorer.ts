import bm25 from 'wink-bm25-text-search';
import { maxOf } from '../numeric';
import type { RelevanceScorer } from '../types';
import { lexicalScorer } from './lexicalScorer';
import { terms } from './terms';

/** wink-bm25-text-search refuses to consolidate fewer documents than this. */
const WINK_MIN_DOCUMENTS = 3;
/** Up to this many documents wink indexes every one in full; above it, see `countedScores`. */
const FULL_INDEX_LIMIT = 256;
/** A query term held by more than this share of the documents counts as common. */
const COMMON_TERM_SHARE = 0.05;
/** wink's defaults: term-frequency saturation, length normalisation, idf smoothing. */
const K1 = 1.2;
const B = 0.75;
const IDF_K = 1;

/**
 * Okapi BM25 against the chunks of one tool output.
 *
 * Up to `FULL_INDEX_LIMIT` chunks, wink-bm25-text-search indexes every chunk in full, one
 * fresh index per call (wink cannot add documents after consolidating). Above it, wink's
 * object per document costs more than the rest of the engine together (70,000 rows: 150 ms
 * of a 10 MB record set's 440), so `countedScores` applies the same formula with wink's
 * parameters to counted query terms instead (tested against a full wink index).
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
    let loweredTexts: string[] | undefined;
    // Only large inputs and identifier queries read the lower-cased texts.
    const lowered = () => (loweredTexts ??= documents.map((text) => text.toLowerCase()));
    const scores =
      indexed.length > FULL_INDEX_LIMIT
        ? countedScores(queryTerms, documents, indexed, lowered())
        : winkScores(queryTerms, documents, indexed);
    return boostExactIdentifiers(query, lowered, scores);
  },
};

const HAS_WORD = /[\p{L}\p{N}]/u;

function winkScores(queryTerms: readonly string[], documents: readonly string[], indexed: readonly number[]): number[] {
  const engine = bm25();
  engine.defineConfig({ fldWeights: { body: 1 }, bm25Params: { k1: K1, b: B, k: IDF_K } });
  engine.definePrepTasks([terms]);
  for (const id of indexed) engine.addDoc({ body: documents[id] }, id);
  engine.consolidate();
  const scores = documents.map(() => 0);
  for (const [id, score] of engine.search(queryTerms.join(' '), documents.length)) scores[Number(id)] = score;
  return scores;
}

/**
 * BM25 from counted query terms, sparing the tokenizing of every chunk: a chunk holding a
 * rare query term (the ones that decide the ranking) is tokenized and counted exactly; any
 * other chunk counts the common query terms as substrings of its lower-cased text. Lengths
 * are measured in characters, since BM25 reads them only against their mean. Scores stay
 * within a few percent of a full index's (tested).
 */
function countedScores(
  queryTerms: readonly string[],
  documents: readonly string[],
  indexed: readonly number[],
  lowered: readonly string[],
): number[] {
  const counts = queryTerms.map(() => new Uint32Array(documents.length));
  queryTerms.forEach((term, k) => {
    for (const id of indexed) counts[k][id] = occurrences(lowered[id], term);
  });
  const rare = queryTerms.map((_, k) => holders(counts[k], indexed) <= indexed.length * COMMON_TERM_SHARE);
  for (const id of indexed) {
    if (!queryTerms.some((_, k) => rare[k] && counts[k][id] > 0)) continue;
    for (const count of counts) count[id] = 0;
    for (const token of terms(documents[id])) {
      const k = queryTerms.indexOf(token);
      if (k !== -1) counts[k][id]++;
    }
  }
  return okapi(counts, documents, indexed);
}

function okapi(counts: readonly Uint32Array[], documents: readonly string[], indexed: readonly number[]): number[] {
  const scores = new Array<number>(documents.length).fill(0);
  const n = indexed.length;
  let totalLength = 0;
  for (const id of indexed) totalLength += documents[id].length;
  const meanLength = totalLength / n;
  for (const count of counts) {
    const held = holders(count, indexed);
    if (held === 0) continue;
    const idf = Math.log((n - held + 0.5) / (held + 0.5) + IDF_K);
    for (const id of indexed) {
      const tf = count[id];
      if (tf > 0) scores[id] += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * documents[id].length) / meanLength));
    }
  }
  return scores;
}

function holders(count: Uint32Array, ids: readonly number[]): number {
  let held = 0;
  for (const id of ids) if (count[id] > 0) held++;
  return held;
}

function occurrences(text: string, term: string): number {
  let found = 0;
  for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + term.length)) found++;
  return found;
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

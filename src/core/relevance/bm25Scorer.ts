import bm25 from 'wink-bm25-text-search';
import { maxOf } from '../numeric';
import type { RelevanceScorer } from '../types';
import { lexicalScorer } from './lexicalScorer';
import { terms } from './terms';

/** wink-bm25-text-search refuses to consolidate fewer documents than this. */
const WINK_MIN_DOCUMENTS = 3;
/** Up to this many documents every one is indexed in full; above it, see `stand-ins`. */
const FULL_INDEX_LIMIT = 256;
/** A term our tokenizer never produces: the only term of the stand-in documents. */
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
    const indexed = documents.map((text, id) => ({ id, text })).filter((d) => /[\p{L}\p{N}]/u.test(d.text));
    if (indexed.length < WINK_MIN_DOCUMENTS) return lexicalScorer.score(query, documents);

    const large = indexed.length > FULL_INDEX_LIMIT;
    const engine = bm25();
    engine.defineConfig({ fldWeights: { body: 1 } });
    const standIns = new Map<string, string[]>();
    engine.definePrepTasks([(text) => standIns.get(text) ?? terms(text)]);
    if (large) {
      const lowered = indexed.map((d) => d.text.toLowerCase());
      const rare = queryTerms.filter((term) => lowered.filter((text) => text.includes(term)).length <= indexed.length * COMMON_TERM_SHARE);
      const common = queryTerms.filter((term) => !rare.includes(term));
      const termsPerChar = estimateTermsPerChar(indexed.map((d) => d.text));
      indexed.forEach((doc, i) => {
        if (rare.some((term) => lowered[i].includes(term))) {
          engine.addDoc({ body: doc.text }, doc.id);
          return;
        }
        const key = `${STAND_IN_TERM}${doc.id}`;
        standIns.set(key, standInTerms(lowered[i], common, Math.max(1, Math.round(doc.text.length * termsPerChar))));
        engine.addDoc({ body: key }, doc.id);
      });
    } else {
      for (const doc of indexed) engine.addDoc({ body: doc.text }, doc.id);
    }
    engine.consolidate();

    const scores = documents.map(() => 0);
    for (const [id, score] of engine.search(queryTerms.join(' '), documents.length)) {
      scores[Number(id)] = score;
    }
    return boostExactIdentifiers(query, documents, scores);
  },
};

/** The common query terms a document holds, as often as it holds them, padded to its length. */
function standInTerms(lowered: string, common: readonly string[], length: number): string[] {
  const out: string[] = [];
  for (const term of common) {
    for (let at = lowered.indexOf(term); at !== -1; at = lowered.indexOf(term, at + term.length)) out.push(term);
  }
  while (out.length < length) out.push(STAND_IN_TERM);
  return out;
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
function boostExactIdentifiers(query: string, documents: readonly string[], scores: number[]): number[] {
  const identifiers = query
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').toLowerCase())
    .filter((word) => word.length >= 4 && /[\p{L}]/u.test(word) && /[\d\-_.:/]/.test(word));
  if (identifiers.length === 0) return scores;
  const best = Math.max(1, maxOf(scores));
  return scores.map((score, i) => {
    const text = documents[i].toLowerCase();
    return identifiers.some((id) => text.includes(id)) ? score + best : score;
  });
}

import bm25 from 'wink-bm25-text-search';
import { maxOf } from '../numeric';
import type { RelevanceScorer } from '../types';
import { lexicalScorer } from './lexicalScorer';
import { terms } from './terms';

/** wink-bm25-text-search refuses to consolidate fewer documents than this. */
const WINK_MIN_DOCUMENTS = 3;

/**
 * Okapi BM25 through wink-bm25-text-search. A fresh index per call: the documents are the
 * chunks of one tool output, and wink cannot add documents after consolidating.
 */
export const bm25Scorer: RelevanceScorer = {
  name: 'bm25',
  score(query, documents) {
    const queryTerms = terms(query);
    if (queryTerms.length === 0) return documents.map(() => 0);
    const indexed = documents.map((text, id) => ({ id, text })).filter((d) => /[\p{L}\p{N}]/u.test(d.text));
    if (indexed.length < WINK_MIN_DOCUMENTS) return lexicalScorer.score(query, documents);

    const engine = bm25();
    engine.defineConfig({ fldWeights: { body: 1 } });
    engine.definePrepTasks([terms]);
    for (const doc of indexed) engine.addDoc({ body: doc.text }, doc.id);
    engine.consolidate();

    const scores = documents.map(() => 0);
    for (const [id, score] of engine.search(queryTerms.join(' '), documents.length)) {
      scores[Number(id)] = score;
    }
    return boostExactIdentifiers(query, documents, scores);
  },
};

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

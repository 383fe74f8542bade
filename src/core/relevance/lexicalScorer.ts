import type { RelevanceScorer } from '../types';
import { terms } from './terms';

/**
 * Shared-term scoring weighted by rarity. BM25 needs a corpus to estimate term rarity;
 * this serves inputs too small for that (wink's minimum is three documents).
 */
export const lexicalScorer: RelevanceScorer = {
  name: 'lexical',
  score(query, documents) {
    const queryTerms = new Set(terms(query));
    if (queryTerms.size === 0) return documents.map(() => 0);
    const docTerms = documents.map((d) => new Set(terms(d)));
    const weight = new Map<string, number>();
    for (const term of queryTerms) {
      const containing = docTerms.filter((t) => t.has(term)).length;
      weight.set(term, Math.log(1 + (documents.length + 1) / (containing + 1)));
    }
    return docTerms.map((t) => {
      let score = 0;
      for (const term of queryTerms) if (t.has(term)) score += weight.get(term) ?? 0;
      return score;
    });
  },
};

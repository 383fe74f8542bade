import type { RelevanceScorer } from '../types';
import { maxOf } from '../numeric';

export interface WeightedScorer {
  scorer: RelevanceScorer;
  weight: number;
}

/**
 * Combines scorers on one scale: each scorer's scores are divided by its maximum, then
 * summed by weight. Lets an embedding scorer join BM25 without either dominating by units.
 */
export function hybridScorer(parts: readonly WeightedScorer[]): RelevanceScorer {
  return {
    name: parts.map((p) => `${p.scorer.name}×${p.weight}`).join('+'),
    async score(query, documents) {
      const combined = documents.map(() => 0);
      for (const { scorer, weight } of parts) {
        const scores = await scorer.score(query, documents);
        const max = Math.max(0, maxOf(scores));
        if (max === 0) continue;
        for (let i = 0; i < combined.length; i++) combined[i] += (weight * scores[i]) / max;
      }
      return combined;
    },
  };
}

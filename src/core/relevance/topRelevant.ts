import { maxOf } from '../numeric';

/**
 * Indices of the `limit` best-scoring documents whose score is a meaningful share of the
 * best one, so a single stray shared word does not pull in a document.
 */
export function topRelevant(scores: readonly number[], limit: number, minShareOfBest = 0.35): number[] {
  const best = Math.max(0, maxOf(scores));
  if (best === 0 || limit <= 0) return [];
  return scores
    .map((score, index) => ({ score, index }))
    .filter((s) => s.score > 0 && s.score >= best * minShareOfBest)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, limit)
    .map((s) => s.index);
}

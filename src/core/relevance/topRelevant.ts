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

/**
 * How many items about as relevant (within a fifth) as the least relevant of the top `limit`
 * were left out: what a marker states, so the model knows a retrieve with the question holds more.
 */
export function relevantLeftOut(scores: readonly number[], limit: number, shown: ReadonlySet<number>): number {
  const top = topRelevant(scores, limit);
  if (top.length === 0) return 0;
  const floor = Math.min(...top.map((i) => scores[i])) * 0.8;
  return scores.reduce((count, score, i) => count + (score >= floor && !shown.has(i) ? 1 : 0), 0);
}

import { bm25Scorer } from '../core/relevance/bm25Scorer';
import { hybridScorer } from '../core/relevance/hybridScorer';
import type { RelevanceScorer } from '../core/types';
import { EmbeddingModelUnavailable, EmbeddingScorer } from './embeddingScorer';

/** Which relevance the engine uses, and why, as the stats and the panel report it. */
export type RelevanceMode = { mode: 'hybrid'; embeddingWeight: number } | { mode: 'bm25'; reason: string };

/** How much the embedding score counts against BM25's (both normalised to their maximum). */
export const DEFAULT_EMBEDDING_WEIGHT = 0.5;

/**
 * BM25 combined with the embedding model in `modelDir`, or BM25 alone (with the reason) when
 * there is no model or it cannot be loaded: relevance never depends on the model being there.
 */
export async function loadRelevance(modelDir: string | undefined, embeddingWeight = DEFAULT_EMBEDDING_WEIGHT): Promise<{ scorer: RelevanceScorer; status: RelevanceMode }> {
  if (!modelDir) return { scorer: bm25Scorer, status: { mode: 'bm25', reason: 'no embedding model is configured' } };
  try {
    const embedding = await EmbeddingScorer.load(modelDir);
    return { scorer: hybridScorer([{ scorer: bm25Scorer, weight: 1 - embeddingWeight }, { scorer: embedding, weight: embeddingWeight }]), status: { mode: 'hybrid', embeddingWeight } };
  } catch (error) {
    if (!(error instanceof EmbeddingModelUnavailable)) throw error;
    return { scorer: bm25Scorer, status: { mode: 'bm25', reason: error.message } };
  }
}

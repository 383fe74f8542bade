import { bm25Scorer } from '../core/relevance/bm25Scorer';
import { hybridScorer } from '../core/relevance/hybridScorer';
import type { RelevanceMode, RelevanceScorer } from '../core/types';
import { EmbeddingModelUnavailable } from './embeddingScorer';
import { WorkerEmbeddingScorer } from './workerScorer';

/** How much the embedding score counts against BM25's (both normalised to their maximum). */
export const DEFAULT_EMBEDDING_WEIGHT = 0.5;
/** How long a request waits for embeddings before it goes on with BM25 alone. */
export const DEFAULT_EMBEDDING_BUDGET_MS = 100;

export interface Relevance {
  scorer: RelevanceScorer;
  status: RelevanceMode;
  /** Stops the embedding worker, if one runs. */
  close(): Promise<void>;
}

/** BM25 alone, and why. */
export function bm25Relevance(reason: string): Relevance {
  return { scorer: bm25Scorer, status: { mode: 'bm25', reason }, close: async () => undefined };
}

/**
 * BM25 combined with the embedding model in `modelDir` (run in a worker thread, within a
 * latency budget), or BM25 alone, with the reason, when there is no model or it cannot be
 * loaded: relevance never depends on the model being there.
 */
export async function loadRelevance(modelDir: string | undefined, options: { weight?: number; budgetMs?: number } = {}): Promise<Relevance> {
  if (!modelDir) return bm25Relevance('no embedding model is configured');
  const weight = options.weight ?? DEFAULT_EMBEDDING_WEIGHT;
  const budgetMs = options.budgetMs ?? DEFAULT_EMBEDDING_BUDGET_MS;
  let embedding: WorkerEmbeddingScorer;
  try {
    embedding = await WorkerEmbeddingScorer.start(modelDir, { budgetMs });
  } catch (error) {
    if (!(error instanceof EmbeddingModelUnavailable)) throw error;
    return bm25Relevance(error.message);
  }
  return {
    scorer: hybridScorer([{ scorer: bm25Scorer, weight: 1 - weight }, { scorer: embedding, weight }]),
    status: { mode: 'hybrid', embeddingWeight: weight, budgetMs },
    close: async () => {
      await embedding.close();
    },
  };
}

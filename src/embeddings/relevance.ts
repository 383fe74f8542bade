import { DEFAULT_EMBEDDING_BUDGET_MS, DEFAULT_EMBEDDING_WEIGHT } from '../shared/defaults';
import { bm25Scorer } from '../core/relevance/bm25Scorer';
import { hybridScorer } from '../core/relevance/hybridScorer';
import type { RelevanceMode, RelevanceScorer } from '../core/types';
import { WorkerEmbeddingScorer } from './workerScorer';

/** Where the embedding model and its runtime are, and how the hybrid score uses it. */
export interface EmbeddingSettings {
  modelDir: string;
  /** A fetched ONNX runtime (see embeddingAssets.ts); without it onnxruntime-node is resolved where Headroom is installed. */
  runtimeDir?: string;
  weight?: number;
  budgetMs?: number;
}

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
 * BM25 combined with the embedding model (run in a worker thread, within a latency budget),
 * or BM25 alone, with the reason, when there is no model or it or its runtime cannot be
 * loaded: relevance never depends on the model being there, and this never rejects.
 */
export async function loadRelevance(embeddings: EmbeddingSettings | undefined): Promise<Relevance> {
  if (!embeddings) return bm25Relevance('no embedding model is configured');
  const weight = embeddings.weight ?? DEFAULT_EMBEDDING_WEIGHT;
  const budgetMs = embeddings.budgetMs ?? DEFAULT_EMBEDDING_BUDGET_MS;
  let embedding: WorkerEmbeddingScorer;
  try {
    embedding = await WorkerEmbeddingScorer.start(embeddings.modelDir, { budgetMs, runtimeDir: embeddings.runtimeDir });
  } catch (error) {
    return bm25Relevance((error as Error).message);
  }
  return {
    scorer: hybridScorer([
      { scorer: bm25Scorer, weight: 1 - weight },
      { scorer: embedding, weight },
    ]),
    status: { mode: 'hybrid', embeddingWeight: weight, budgetMs },
    close: async () => {
      await embedding.close();
    },
  };
}

/**
 * `npm run bench:embeddings`: what embedding relevance adds to a request. BM25 alone against
 * the hybrid scorer with the embedding model in a worker thread, scoring the 2,000 lines of
 * the BGL log against a question: the first time (every chunk embedded) and again (chunks
 * from the cache). The model is HEADROOM_EMBEDDING_MODEL if set, else the tiny test model,
 * whose figures show the worker's own cost, not a real model's inference time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bm25Scorer } from '../src/core/relevance/bm25Scorer';
import { loadRelevance } from '../src/embeddings/relevance';
import { sharedCorpora } from './sharedData';
import { writeTinyEmbeddingModel } from '../test/helpers/tinyEmbeddingModel';
import { BenchmarkReport } from './benchmarkReport';

async function timed(run: () => unknown): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const report = new BenchmarkReport('npm run bench:embeddings', 'Embedding relevance');
  const dir = mkdtempSync(join(tmpdir(), 'headroom-embedding-bench-'));
  try {
    const modelDir = process.env.HEADROOM_EMBEDDING_MODEL ?? join(dir, 'tiny');
    if (!process.env.HEADROOM_EMBEDDING_MODEL) writeTinyEmbeddingModel(modelDir);
    const lines = sharedCorpora().bglLog().lines;
    const query = 'which nodes had kernel data TLB errors?';
    const relevance = await loadRelevance({
      modelDir,
      runtimeDir: process.env.HEADROOM_EMBEDDING_RUNTIME,
      budgetMs: 60_000,
    });
    try {
      await bm25Scorer.score(query, lines);
      const bm25 = await timed(() => bm25Scorer.score(`${query} once more`, lines));
      const cold = await timed(() => relevance.scorer.score(query, lines));
      const warm = await timed(() => relevance.scorer.score(`${query} again`, lines));
      report.line(
        `| measure (${lines.length} chunks, model: ${process.env.HEADROOM_EMBEDDING_MODEL ? modelDir : 'tiny test model'}) | ms |\n|---|---|`,
      );
      report.line(`| BM25 alone (warm) | ${bm25.toFixed(1)} |`);
      report.line(`| hybrid, every chunk embedded (first sight) | ${cold.toFixed(1)} |`);
      report.line(`| hybrid, chunks from the cache (a later turn) | ${warm.toFixed(1)} |`);
    } finally {
      await relevance.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report.publish();
}

void main();

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EmbeddingModelUnavailable } from '../../src/embeddings/embeddingModelUnavailable';
import { WorkerEmbeddingScorer } from '../../src/embeddings/workerScorer';
import { bglLog } from '../helpers/corpora';
import { tinyEmbeddingModelFixture } from '../helpers/tinyEmbeddingModel';

const DOCUMENTS = ['worker 3 error disk quota on volume', 'request timeout on connection to host'];

describe('embeddings in a worker thread, within a latency budget', () => {
  const { dir, modelDir } = tinyEmbeddingModelFixture();

  it('scores in the worker when it answers within the budget', async () => {
    const scorer = await WorkerEmbeddingScorer.start(modelDir, { budgetMs: 5_000 });
    try {
      const scores = await scorer.score('storage full', DOCUMENTS);
      assert.ok(scores[0] > 0.9 && scores[1] < 0.2, scores.join(', '));
      assert.equal(scorer.budgetMisses, 0);
    } finally {
      await scorer.close();
    }
  });

  it('answers with no embedding scores when the budget runs out, and the worker finishes the work for next time', async () => {
    const scorer = await WorkerEmbeddingScorer.start(modelDir, { budgetMs: 0 });
    // Two thousand chunks take the worker far longer than a timer of 0 ms does to fire.
    const lines = bglLog().lines;
    try {
      assert.deepEqual(
        await scorer.score('storage full', lines),
        lines.map(() => 0),
      );
      assert.equal(scorer.budgetMisses, 1);
      for (let i = 0; i < 250 && scorer.embedded === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(
        scorer.embedded,
        1 + new Set(lines).size,
        'the query and every distinct chunk were embedded after all',
      );
    } finally {
      await scorer.close();
    }
  });

  it('goes on with BM25 alone, at once, after its worker has stopped', async () => {
    const scorer = await WorkerEmbeddingScorer.start(modelDir, { budgetMs: 60_000 });
    await scorer.close();
    assert.deepEqual(await scorer.score('storage full', DOCUMENTS), [0, 0]);
    assert.equal(scorer.budgetMisses, 0, 'answered at once, not after waiting out a budget a dead worker cannot meet');
  });

  it('refuses a folder without a model, so the caller keeps BM25', async () => {
    await assert.rejects(
      WorkerEmbeddingScorer.start(join(dir, 'nothing'), { budgetMs: 100 }),
      (error: unknown) =>
        error instanceof EmbeddingModelUnavailable && /No embedding model in/.test((error as Error).message),
    );
  });
});

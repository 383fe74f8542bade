import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bm25Scorer } from '../../src/core/relevance/bm25Scorer';
import { EmbeddingModelUnavailable } from '../../src/embeddings/embeddingModelUnavailable';
import { EmbeddingScorer } from '../../src/embeddings/embeddingScorer';
import { loadRelevance } from '../../src/embeddings/relevance';
import { tinyEmbeddingModelFixture } from '../helpers/tinyEmbeddingModel';

const DOCUMENTS = [
  'worker 3 error disk quota on volume',
  'request timeout on connection to host',
  'login token expired for worker',
];

describe('embedding relevance (transformers.js, a model the test builds, offline)', () => {
  const { dir, modelDir } = tinyEmbeddingModelFixture();

  it('ranks by meaning where BM25 sees no shared word', async () => {
    const scorer = await EmbeddingScorer.load(modelDir);
    const scores = await scorer.score('storage full', DOCUMENTS);
    assert.ok(scores[0] > 0.9, `disk/quota/volume is about storage: ${scores[0]}`);
    assert.ok(scores[1] < 0.2 && scores[2] < 0.2, `the others are not: ${scores.join(', ')}`);
    assert.deepEqual(await bm25Scorer.score('storage full', DOCUMENTS), [0, 0, 0], 'no word in common');
  });

  it('embeds each chunk once, whatever the query', async () => {
    const scorer = await EmbeddingScorer.load(modelDir);
    await scorer.score('storage full', DOCUMENTS);
    assert.equal(scorer.embedded, 4, 'the query and three chunks');
    await scorer.score('network latency', [...DOCUMENTS, DOCUMENTS[0]]);
    assert.equal(scorer.embedded, 5, 'only the new query; the chunks come from the cache');
  });

  it('combines with BM25 into a hybrid score, and falls back to BM25 alone, saying why, without a model', async () => {
    const hybrid = await loadRelevance({ modelDir, budgetMs: 5_000 });
    try {
      assert.deepEqual(hybrid.status, { mode: 'hybrid', embeddingWeight: 0.5, budgetMs: 5_000 });
      const scores = await hybrid.scorer.score('storage full', DOCUMENTS);
      assert.ok(
        scores[0] > 10 * Math.max(scores[1], scores[2]),
        `meaning alone ranks the storage line first: ${scores.join(', ')}`,
      );
    } finally {
      await hybrid.close();
    }

    const none = await loadRelevance({ modelDir: join(modelDir, 'missing') });
    assert.equal(none.status.mode, 'bm25');
    assert.match(none.status.mode === 'bm25' ? none.status.reason : '', /No embedding model in .*missing/);
    assert.equal(none.scorer, bm25Scorer);
    assert.deepEqual((await loadRelevance(undefined)).status, {
      mode: 'bm25',
      reason: 'no embedding model is configured',
    });
    await assert.rejects(EmbeddingScorer.load(join(modelDir, 'missing')), EmbeddingModelUnavailable);

    const broken = join(dir, 'broken-model');
    mkdirSync(join(broken, 'onnx'), { recursive: true });
    cpSync(join(modelDir, 'config.json'), join(broken, 'config.json'));
    for (const file of ['tokenizer.json', 'tokenizer_config.json']) cpSync(join(modelDir, file), join(broken, file));
    writeFileSync(join(broken, 'onnx', 'model.onnx'), 'not an onnx graph');
    const damaged = await loadRelevance({ modelDir: broken });
    assert.equal(damaged.status.mode, 'bm25');
    assert.match(damaged.status.mode === 'bm25' ? damaged.status.reason : '', /could not be loaded/);
  });
});

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LoopbackClient } from '../../src/proxy/loopbackClient';
import { startCliProxy } from '../helpers/cli';
import { bglLog } from '../helpers/corpora';
import { tinyEmbeddingModelFixture } from '../helpers/tinyEmbeddingModel';

/** The proxy's relevance once the model has loaded or failed to. */
async function settledRelevance(client: LoopbackClient): Promise<Awaited<ReturnType<LoopbackClient['stats']>>['relevance']> {
  for (let i = 0; ; i++) {
    const { relevance } = await client.stats();
    if (!(relevance.mode === 'bm25' && relevance.reason === 'the embedding model is loading') || i === 200) return relevance;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the proxy with an embedding model', () => {
  const { dir, modelDir } = tinyEmbeddingModelFixture();

  it('starts on BM25, switches to the hybrid once the model has loaded in its worker, and compresses with it', async () => {
    const proxy = await startCliProxy(['--store', join(dir, 'hybrid.sqlite'), '--embedding-model', modelDir, '--embedding-budget-ms', '2000']);
    try {
      const client = new LoopbackClient(proxy.url);
      assert.deepEqual(await settledRelevance(client), { mode: 'hybrid', embeddingWeight: 0.5, budgetMs: 2_000 });
      const result = await client.compress({ content: bglLog().text, query: 'storage full' });
      assert.equal(result.compressed, true);
      assert.ok(result.tokensAfter < result.tokensBefore / 4);
    } finally {
      assert.equal(await proxy.stop(), 0, 'the proxy and its worker stop cleanly');
    }
  });

  it('says why relevance is BM25 alone: no model, or a folder without one', async () => {
    const none = await startCliProxy(['--store', join(dir, 'none.sqlite')]);
    const missing = await startCliProxy(['--store', join(dir, 'missing.sqlite')], { HEADROOM_EMBEDDING_MODEL: join(dir, 'no-model-here') });
    try {
      assert.deepEqual((await new LoopbackClient(none.url).stats()).relevance, { mode: 'bm25', reason: 'no embedding model is configured' });
      const reason = await settledRelevance(new LoopbackClient(missing.url));
      assert.equal(reason.mode, 'bm25');
      assert.match(reason.mode === 'bm25' ? reason.reason : '', /No embedding model in .*no-model-here/);
    } finally {
      await Promise.all([none.stop(), missing.stop()]);
    }
  });
});

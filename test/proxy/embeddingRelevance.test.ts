import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { embeddingAssetPaths } from '../../src/embeddings/embeddingAssets';
import { LoopbackClient } from '../../src/proxy/loopbackClient';
import { CLI, startCliProxy } from '../helpers/cli';
import { bglLog } from '../helpers/corpora';
import { fakeAssetServer } from '../helpers/fakeAssetServer';
import { settledRelevance } from '../helpers/relevance';
import { tempDir } from '../helpers/tempDir';
import { tinyEmbeddingModelFixture } from '../helpers/tinyEmbeddingModel';

describe('the proxy with an embedding model', () => {
  const { dir, modelDir } = tinyEmbeddingModelFixture();

  it('starts on BM25, switches to the hybrid once the model has loaded in its worker, and compresses with it', async () => {
    const proxy = await startCliProxy([
      '--store',
      join(dir, 'hybrid.sqlite'),
      '--embedding-model',
      modelDir,
      '--embedding-budget-ms',
      '2000',
    ]);
    try {
      const client = new LoopbackClient(proxy.url, proxy.apiToken);
      assert.deepEqual(await settledRelevance(client), { mode: 'hybrid', embeddingWeight: 0.5, budgetMs: 2_000 });
      const result = await client.compress({ content: bglLog().text, query: 'storage full' });
      assert.equal(result.compressed, true);
      assert.ok(result.tokensAfter < result.tokensBefore / 4);
    } finally {
      assert.equal(await proxy.stop(), 0, 'the proxy and its worker stop cleanly');
    }
  });

  it('says why relevance is BM25 alone: no model, or a folder without one', async () => {
    const none = await startCliProxy(['--store', join(dir, 'none.sqlite')], {
      HEADROOM_HOME: join(dir, 'nothing-fetched'),
    });
    const missing = await startCliProxy(['--store', join(dir, 'missing.sqlite')], {
      HEADROOM_EMBEDDING_MODEL: join(dir, 'no-model-here'),
    });
    try {
      assert.deepEqual((await new LoopbackClient(none.url, none.apiToken).stats()).relevance, {
        mode: 'bm25',
        reason: 'no embedding model is configured',
      });
      const reason = await settledRelevance(new LoopbackClient(missing.url, missing.apiToken));
      assert.equal(reason.mode, 'bm25');
      assert.match(reason.mode === 'bm25' ? reason.reason : '', /No embedding model in .*no-model-here/);
    } finally {
      await Promise.all([none.stop(), missing.stop()]);
    }
  });
});

describe('the shipped bundles with fetched embeddings, outside any node_modules (as installed from the .vsix)', () => {
  const server = fakeAssetServer();
  const dir = tempDir();
  const installed = join(dir, 'extension', 'dist');
  const cli = join(installed, 'cli.mjs');
  const home = join(dir, 'home');
  before(() => {
    mkdirSync(installed, { recursive: true });
    // What the .vsix ships of dist/, as .vscodeignore names it.
    const patterns = readFileSync(join(CLI, '..', '..', '.vscodeignore'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('!dist/') && !line.includes('/webview/'))
      .map((line) => new RegExp(`^${line.slice('!dist/'.length).replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`));
    for (const file of readdirSync(join(CLI, '..'), { recursive: true, encoding: 'utf8' }))
      if (patterns.some((pattern) => pattern.test(file))) {
        mkdirSync(dirname(join(installed, file)), { recursive: true });
        copyFileSync(join(CLI, '..', file), join(installed, file));
      }
  });

  it('`headroom embeddings fetch` fetches the model and runtime, and a proxy started without options ranks by meaning with them', async () => {
    const fetched = await promisify(execFile)(
      process.execPath,
      [cli, 'embeddings', 'fetch', '--model-host', server.modelHost, '--npm-registry', server.registry],
      { env: { ...process.env, HEADROOM_HOME: home } },
    );
    const paths = embeddingAssetPaths(join(home, 'embeddings'));
    assert.equal(
      fetched.stdout,
      `model    ${paths.modelDir}\nruntime  ${paths.runtimeDir}\nheadroom proxy uses them when started without --embedding-model.\n`,
    );
    assert.match(
      fetched.stderr,
      /fetching onnxruntime-node 1\.30\.0: .* MB\n(.*\n)*fetching Xenova\/all-MiniLM-L6-v2 onnx\/model_quantized\.onnx: /,
    );
    const proxy = await startCliProxy(['--store', join(dir, 'fetched.sqlite')], { HEADROOM_HOME: home }, cli);
    const off = await startCliProxy(
      ['--store', join(dir, 'off.sqlite'), '--no-embeddings'],
      { HEADROOM_HOME: home },
      cli,
    );
    try {
      assert.deepEqual(await settledRelevance(new LoopbackClient(proxy.url, proxy.apiToken)), {
        mode: 'hybrid',
        embeddingWeight: 0.5,
        budgetMs: 100,
      });
      assert.deepEqual(
        (await new LoopbackClient(off.url, off.apiToken).stats()).relevance,
        { mode: 'bm25', reason: 'no embedding model is configured' },
        '--no-embeddings leaves the fetched model alone',
      );
    } finally {
      assert.equal(await proxy.stop(), 0);
      await off.stop();
    }
    const contradiction = await promisify(execFile)(process.execPath, [
      cli,
      'proxy',
      '--no-embeddings',
      '--embedding-model',
      paths.modelDir,
    ]).catch((error: { code: number; stderr: string }) => error);
    assert.equal((contradiction as { code: number }).code, 2);
    assert.match(
      (contradiction as { stderr: string }).stderr,
      /--no-embeddings and --embedding-model contradict each other/,
    );
  });

  it('without the runtime, says relevance is BM25 alone because onnxruntime-node is not installed', async () => {
    const { modelDir } = embeddingAssetPaths(join(home, 'embeddings'));
    const proxy = await startCliProxy(
      ['--store', join(dir, 'no-runtime.sqlite'), '--embedding-model', modelDir],
      { HEADROOM_HOME: join(dir, 'empty') },
      cli,
    );
    try {
      const relevance = await settledRelevance(new LoopbackClient(proxy.url, proxy.apiToken));
      assert.equal(relevance.mode, 'bm25');
      assert.match(
        relevance.mode === 'bm25' ? relevance.reason : '',
        /^the ONNX runtime \(onnxruntime-node\) is not installed; `headroom embeddings fetch` or the extension fetches it$/,
      );
    } finally {
      await proxy.stop();
    }
  });
});

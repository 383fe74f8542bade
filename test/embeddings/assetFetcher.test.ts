import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DownloadFailed } from '../../src/embeddings/download';
import { fetchEmbeddingAssets, fetchModel, fetchRuntime } from '../../src/embeddings/assetFetcher';
import { embeddingAssetPaths, isFetched, ONNX_RUNTIME_VERSION } from '../../src/embeddings/embeddingAssets';
import { EmbeddingScorer } from '../../src/embeddings/embeddingScorer';
import { fakeAssetServer, OTHER_PLATFORM_FILE } from '../helpers/fakeAssetServer';
import { tempDir } from '../helpers/tempDir';

/** Nothing but complete assets: no staging folder of a failed or cancelled fetch is left behind. */
function leftovers(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((entry) => entry.includes('.partial-'));
}

describe('fetching the embedding model and the ONNX runtime (a local registry and hub)', () => {
  const server = fakeAssetServer();
  const dir = tempDir();

  it('holds the runtime version to the one transformers.js is built against', () => {
    const transformers = JSON.parse(
      readFileSync(
        join(__dirname, '..', '..', '..', 'node_modules', '@huggingface', 'transformers', 'package.json'),
        'utf8',
      ),
    ) as { dependencies: Record<string, string> };
    assert.equal(transformers.dependencies['onnxruntime-node'], ONNX_RUNTIME_VERSION);
  });

  it("fetches both, keeps only this platform's runtime binaries, and the model loads", async () => {
    const base = join(dir, 'complete');
    const items = new Map<string, { receivedBytes: number; totalBytes?: number }>();
    const assets = await fetchEmbeddingAssets(base, {
      npmRegistry: server.registry,
      modelHost: server.modelHost,
      onProgress: ({ item, ...progress }) => items.set(item, progress),
    });
    assert.deepEqual(assets, embeddingAssetPaths(base));
    assert.ok(isFetched(assets.runtimeDir) && isFetched(assets.modelDir));
    const runtime = join(assets.runtimeDir, 'node_modules');
    assert.ok(
      existsSync(
        join(runtime, 'onnxruntime-node', 'bin', 'napi-v6', process.platform, process.arch, 'onnxruntime_binding.node'),
      ),
    );
    assert.ok(
      existsSync(join(runtime, 'onnxruntime-node', 'dist', 'index.js')) &&
        existsSync(join(runtime, 'onnxruntime-common', 'package.json')),
    );
    assert.ok(
      !existsSync(join(runtime, 'onnxruntime-node', OTHER_PLATFORM_FILE)),
      "another platform's library is not kept",
    );
    assert.ok(existsSync(join(assets.modelDir, 'onnx', 'model_quantized.onnx')));
    assert.deepEqual(
      [...items.keys()],
      [
        `onnxruntime-common ${ONNX_RUNTIME_VERSION}`,
        `onnxruntime-node ${ONNX_RUNTIME_VERSION}`,
        'Xenova/all-MiniLM-L6-v2 config.json',
        'Xenova/all-MiniLM-L6-v2 tokenizer.json',
        'Xenova/all-MiniLM-L6-v2 tokenizer_config.json',
        'Xenova/all-MiniLM-L6-v2 onnx/model_quantized.onnx',
      ],
    );
    for (const [item, progress] of items)
      assert.equal(progress.receivedBytes, progress.totalBytes, `${item} arrived whole and its size was known`);
    assert.deepEqual(leftovers(base), []);

    const scorer = await EmbeddingScorer.load(assets.modelDir);
    const scores = await scorer.score('storage full', ['disk quota on volume', 'connection timeout']);
    assert.ok(scores[0] > 0.9 && scores[1] < 0.2, `the 8-bit weights file is the one loaded: ${scores.join(', ')}`);

    const before = server.requests.length;
    await fetchEmbeddingAssets(base, { npmRegistry: server.registry, modelHost: server.modelHost });
    assert.equal(server.requests.length, before, 'a second fetch downloads nothing');
  });

  it("uses the user's own model folder and fetches only the runtime", async () => {
    const base = join(dir, 'own-model');
    const before = server.requests.length;
    const assets = await fetchEmbeddingAssets(base, {
      npmRegistry: server.registry,
      modelHost: server.modelHost,
      modelDir: '/models/mine',
    });
    assert.equal(assets.modelDir, '/models/mine');
    assert.ok(
      server.requests.slice(before).every((path) => path.startsWith('/registry/')),
      server.requests.slice(before).join(' '),
    );
  });

  it('refuses a tarball that does not match the registry integrity, and leaves nothing behind', async () => {
    const runtimeDir = join(dir, 'bad-integrity', 'runtime');
    server.faults.wrongIntegrity = true;
    try {
      await assert.rejects(
        fetchRuntime(runtimeDir, { npmRegistry: server.registry }),
        (error: unknown) =>
          error instanceof DownloadFailed && /does not match its published integrity/.test(error.message),
      );
    } finally {
      server.faults.wrongIntegrity = false;
    }
    assert.ok(!existsSync(runtimeDir) && !isFetched(runtimeDir));
    assert.deepEqual(leftovers(join(dir, 'bad-integrity')), []);
  });

  it('refuses a model file that does not match the SHA-256 the hub announced', async () => {
    const modelDir = join(dir, 'bad-etag', 'model');
    server.faults.wrongLinkedEtag = true;
    try {
      await assert.rejects(
        fetchModel(modelDir, { modelHost: server.modelHost }),
        (error: unknown) =>
          error instanceof DownloadFailed &&
          /model_quantized\.onnx: the download does not match the SHA-256/.test(error.message),
      );
    } finally {
      server.faults.wrongLinkedEtag = false;
    }
    assert.ok(!existsSync(modelDir));
    assert.deepEqual(leftovers(join(dir, 'bad-etag')), []);
  });

  it('names the URL and the status of a missing file, and an unreachable host', async () => {
    server.faults.missingModelFile = true;
    try {
      await assert.rejects(
        fetchModel(join(dir, 'missing', 'model'), { modelHost: server.modelHost }),
        /resolve\/main\/tokenizer\.json: HTTP 404/,
      );
    } finally {
      server.faults.missingModelFile = false;
    }
    await assert.rejects(
      fetchRuntime(join(dir, 'unreachable'), { npmRegistry: 'http://127.0.0.1:9/registry' }),
      (error: unknown) =>
        error instanceof DownloadFailed && /127\.0\.0\.1:9\/registry\/onnxruntime-common/.test(error.message),
    );
    assert.deepEqual(leftovers(dir), []);
  });

  it('stops when cancelled mid-download and leaves nothing behind', async () => {
    const modelDir = join(dir, 'cancelled', 'model');
    const abort = new AbortController();
    server.faults.stallModel = true;
    try {
      const fetching = fetchModel(modelDir, {
        modelHost: server.modelHost,
        signal: abort.signal,
        onProgress: ({ item }) => {
          if (item.endsWith('.onnx')) abort.abort();
        },
      });
      await assert.rejects(fetching, { name: 'AbortError' });
    } finally {
      server.faults.stallModel = false;
    }
    assert.ok(!existsSync(modelDir));
    assert.deepEqual(leftovers(join(dir, 'cancelled')), []);
  });
});

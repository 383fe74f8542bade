import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { c as createTarball } from 'tar';
import { EMBEDDING_MODEL, ONNX_RUNTIME_VERSION } from '../../src/embeddings/embeddingAssets';
import { tempDir } from './tempDir';
import { writeTinyEmbeddingModel } from './tinyEmbeddingModel';

/** A platform the runtime tarball carries besides this one's, to show only this one's is kept. */
export const OTHER_PLATFORM_FILE = 'bin/napi-v6/otheros/otherarch/onnxruntime_binding.node';

export interface FakeAssetServer {
  /** The fake npm registry (`--npm-registry`). */
  registry: string;
  /** The fake Hugging Face hub (`--model-host`). */
  modelHost: string;
  /** Paths requested so far. */
  requests: string[];
  /** What the next requests get instead of the real thing. */
  faults: { wrongIntegrity?: boolean; wrongLinkedEtag?: boolean; missingModelFile?: boolean; stallModel?: boolean };
}

/**
 * A local stand-in for the npm registry and the Hugging Face hub, so fetching is tested for
 * real and offline. The registry serves npm-shaped tarballs (`package/` prefix) packed from the
 * installed onnxruntime-node and onnxruntime-common; the hub serves the tiny test model as
 * all-MiniLM-L6-v2's files, the large one behind a redirect with its SHA-256 in
 * `X-Linked-Etag`, as the hub does.
 */
export function fakeAssetServer(): FakeAssetServer {
  const dir = tempDir();
  const files = new Map<string, Buffer>();
  const state: FakeAssetServer = { registry: '', modelHost: '', requests: [], faults: {} };
  let server: Server;

  before(async () => {
    const modelDir = join(dir, 'model');
    writeTinyEmbeddingModel(modelDir);
    renameSync(join(modelDir, 'onnx', 'model.onnx'), join(modelDir, 'onnx', 'model_quantized.onnx'));
    for (const file of EMBEDDING_MODEL.files)
      files.set(
        `/hub/${EMBEDDING_MODEL.id}/resolve/${EMBEDDING_MODEL.revision}/${file}`,
        readFileSync(join(modelDir, file)),
      );
    for (const name of ['onnxruntime-common', 'onnxruntime-node']) {
      const packed = join(dir, 'packed', name);
      const installed = join(__dirname, '..', '..', '..', 'node_modules', name);
      for (const entry of readdirSync(installed)) {
        if (entry !== 'bin') cpSync(join(installed, entry), join(packed, entry), { recursive: true });
      }
      if (name === 'onnxruntime-node') {
        const binaries = `bin/napi-v6/${process.platform}/${process.arch}`;
        cpSync(join(installed, binaries), join(packed, binaries), { recursive: true });
        mkdirSync(dirname(join(packed, OTHER_PLATFORM_FILE)), { recursive: true });
        writeFileSync(join(packed, OTHER_PLATFORM_FILE), 'another platform');
      }
      const tarball = join(dir, `${name}.tgz`);
      await createTarball({ gzip: { level: 1 }, file: tarball, cwd: packed, prefix: 'package' }, readdirSync(packed));
      files.set(`/registry/${name}/-/${name}-${ONNX_RUNTIME_VERSION}.tgz`, readFileSync(tarball));
    }
    server = createServer((req, res) => {
      const path = req.url ?? '';
      state.requests.push(path);
      const packument = /^\/registry\/([^/]+)\/([^/]+)$/.exec(path);
      if (packument) {
        const tarballPath = `/registry/${packument[1]}/-/${packument[1]}-${packument[2]}.tgz`;
        const bytes = files.get(tarballPath);
        if (!bytes) return void res.writeHead(404).end('{"error":"not found"}');
        const integrity = `sha512-${createHash('sha512')
          .update(state.faults.wrongIntegrity ? 'other bytes' : bytes)
          .digest('base64')}`;
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            name: packument[1],
            version: packument[2],
            dist: { tarball: `${state.registry}${tarballPath.slice('/registry'.length)}`, integrity },
          }),
        );
        return;
      }
      if (path.startsWith('/cdn/')) {
        const bytes = files.get(decodeURIComponent(path.slice('/cdn'.length)))!;
        res.writeHead(200, { 'content-length': bytes.length });
        if (!state.faults.stallModel) return void res.end(bytes);
        res.write(bytes.subarray(0, 16));
        return;
      }
      const bytes = files.get(path);
      if (!bytes || (state.faults.missingModelFile && path.endsWith('tokenizer.json')))
        return void res.writeHead(404).end('Entry not found');
      if (path.endsWith('.onnx')) {
        const sha256 = createHash('sha256')
          .update(state.faults.wrongLinkedEtag ? 'other bytes' : bytes)
          .digest('hex');
        res
          .writeHead(302, {
            location: `/cdn${encodeURI(path)}`,
            'x-linked-etag': `"${sha256}"`,
            'x-linked-size': String(bytes.length),
          })
          .end();
        return;
      }
      res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    state.registry = `${base}/registry`;
    state.modelHost = `${base}/hub`;
  });
  after(() => {
    server?.closeAllConnections();
    server?.close();
  });
  return state;
}

import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { x as extractTarball } from 'tar';
import { download, DownloadFailed, fetchJson } from './download';
import {
  COMPLETE_MARKER,
  DEFAULT_MODEL_HOST,
  DEFAULT_NPM_REGISTRY,
  EMBEDDING_MODEL,
  embeddingAssetPaths,
  isFetched,
  ONNX_RUNTIME_VERSION,
  RUNTIME_PACKAGES,
  type EmbeddingAssets,
} from './embeddingAssets';

/*
 * Fetching the embedding assets: the ONNX runtime from the npm registry, checked against the
 * registry's integrity, with only this platform's binaries kept; the model from the Hugging
 * Face hub, checked against the SHA-256 it announces. Each is fetched once, into a staging
 * folder renamed into place when complete, so a cancelled or failed fetch never leaves a
 * half-written asset that would be taken for a whole one.
 */

export interface FetchOptions {
  modelHost?: string;
  npmRegistry?: string;
  signal?: AbortSignal;
  /** What is being fetched and how far along: bytes of the current file, and its size when the server says. */
  onProgress?: (progress: { item: string; receivedBytes: number; totalBytes?: number }) => void;
}

/** Fetches whichever of the runtime and the model (unless the user names their own model folder) is not there yet. */
export async function fetchEmbeddingAssets(
  baseDir: string,
  options: FetchOptions & { modelDir?: string } = {},
): Promise<EmbeddingAssets> {
  const paths = embeddingAssetPaths(baseDir);
  if (!isFetched(paths.runtimeDir)) await fetchRuntime(paths.runtimeDir, options);
  if (options.modelDir) return { ...paths, modelDir: options.modelDir };
  if (!isFetched(paths.modelDir)) await fetchModel(paths.modelDir, options);
  return paths;
}

export async function fetchRuntime(runtimeDir: string, options: FetchOptions = {}): Promise<void> {
  const registry = (options.npmRegistry ?? DEFAULT_NPM_REGISTRY).replace(/\/+$/, '');
  await intoPlace(runtimeDir, async (staging) => {
    for (const name of RUNTIME_PACKAGES) {
      const { tarball, integrity } = await packageDistribution(registry, name, options.signal);
      const file = join(staging, `${name}.tgz`);
      await download(tarball, file, {
        signal: options.signal,
        integrity,
        onProgress: progressOf(`${name} ${ONNX_RUNTIME_VERSION}`, options),
      });
      const target = join(staging, 'node_modules', name);
      await mkdir(target, { recursive: true });
      await extractTarball({ file, cwd: target, strip: 1, filter: (path) => isForThisPlatform(path) });
      await rm(file);
    }
    return {
      source: registry,
      packages: RUNTIME_PACKAGES,
      version: ONNX_RUNTIME_VERSION,
      platform: process.platform,
      arch: process.arch,
    };
  });
}

export async function fetchModel(modelDir: string, options: FetchOptions = {}): Promise<void> {
  const host = (options.modelHost ?? DEFAULT_MODEL_HOST).replace(/\/+$/, '');
  await intoPlace(modelDir, async (staging) => {
    for (const file of EMBEDDING_MODEL.files) {
      const target = join(staging, file);
      await mkdir(dirname(target), { recursive: true });
      const url = `${host}/${EMBEDDING_MODEL.id}/resolve/${EMBEDDING_MODEL.revision}/${file}`;
      await download(url, target, {
        signal: options.signal,
        onProgress: progressOf(`${EMBEDDING_MODEL.id} ${file}`, options),
      });
    }
    return { source: host, model: EMBEDDING_MODEL.id, revision: EMBEDDING_MODEL.revision };
  });
}

/**
 * Fills a fresh staging folder beside `target` and renames it into place. If another process
 * (a second editor window) completed the same asset meanwhile, its copy is kept.
 */
async function intoPlace(target: string, fill: (staging: string) => Promise<object>): Promise<void> {
  const staging = `${target}.partial-${randomUUID()}`;
  await mkdir(staging, { recursive: true });
  try {
    const description = await fill(staging);
    await writeFile(
      join(staging, COMPLETE_MARKER),
      `${JSON.stringify({ ...description, fetchedAt: new Date().toISOString() }, null, 2)}\n`,
    );
    if (isFetched(target)) return;
    await rm(target, { recursive: true, force: true });
    try {
      await rename(staging, target);
    } catch (error) {
      if (!isFetched(target)) throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function packageDistribution(
  registry: string,
  name: string,
  signal?: AbortSignal,
): Promise<{ tarball: string; integrity: string }> {
  const url = `${registry}/${name}/${ONNX_RUNTIME_VERSION}`;
  const manifest = (await fetchJson(url, signal)) as { dist?: { tarball?: unknown; integrity?: unknown } };
  const { tarball, integrity } = manifest.dist ?? {};
  if (typeof tarball !== 'string' || typeof integrity !== 'string' || !integrity.startsWith('sha512-')) {
    throw new DownloadFailed(`${url}: no tarball with a sha512 integrity in the registry's answer`);
  }
  return { tarball, integrity };
}

/** onnxruntime-node ships every platform's library (288 MB unpacked); only this one's is kept. */
function isForThisPlatform(path: string): boolean {
  const binary = /(?:^|\/)bin\/napi-v\d+\/([^/]+)\/([^/]+)\//.exec(path);
  return !binary || (binary[1] === process.platform && binary[2] === process.arch);
}

function progressOf(
  item: string,
  options: FetchOptions,
): ((receivedBytes: number, totalBytes: number | undefined) => void) | undefined {
  const report = options.onProgress;
  return report && ((receivedBytes, totalBytes) => report({ item, receivedBytes, totalBytes }));
}

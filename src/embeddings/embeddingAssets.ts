import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What embedding relevance needs on disk, where it lives and where it comes from. Neither
 * ships in the .vsix or the npm package: the ONNX runtime (native, 45–86 MB per platform)
 * comes from the npm registry and the model from the Hugging Face hub (assetFetcher.ts).
 */
export const EMBEDDING_MODEL = {
  id: 'Xenova/all-MiniLM-L6-v2',
  revision: 'main',
  /** What transformers.js reads for feature extraction with the 8-bit quantised weights (23 MB). */
  files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'],
} as const;
/** The onnxruntime-node release transformers.js is built against (a test holds them together). */
export const ONNX_RUNTIME_VERSION = '1.30.0';
export const RUNTIME_PACKAGES = ['onnxruntime-common', 'onnxruntime-node'] as const;

export const DEFAULT_MODEL_HOST = 'https://huggingface.co';
export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org';
/** Written last into a fetched folder: without it the folder is not taken as complete. */
export const COMPLETE_MARKER = '.headroom-complete.json';

export interface EmbeddingAssets {
  /** The sentence-embedding model, in transformers.js's folder layout. */
  modelDir: string;
  /** A folder whose node_modules holds onnxruntime-node and onnxruntime-common. */
  runtimeDir: string;
}

/** Where the assets live under `baseDir` (the extension's global storage, or the CLI's data directory). */
export function embeddingAssetPaths(baseDir: string): EmbeddingAssets {
  return {
    modelDir: join(baseDir, 'models', ...EMBEDDING_MODEL.id.split('/')),
    runtimeDir: join(baseDir, 'runtime', `onnxruntime-${ONNX_RUNTIME_VERSION}-${process.platform}-${process.arch}`),
  };
}

export function isFetched(dir: string): boolean {
  return existsSync(join(dir, COMPLETE_MARKER));
}

import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { contentHash } from '../core/hash';
import type { RelevanceScorer } from '../core/types';
import { EmbeddingModelUnavailable } from './embeddingModelUnavailable';

/** How many chunk embeddings are kept, by content hash, so a tool output seen again is not embedded again. */
const CACHE_ENTRIES = 20_000;
/** Chunks embedded per call of the model. */
const BATCH = 32;

type Extractor = (
  texts: string[],
  options: { pooling: 'mean'; normalize: true },
) => Promise<{ data: Float32Array | number[]; dims: number[] }>;

/**
 * Relevance by meaning: a sentence-embedding model (all-MiniLM-L6-v2 or any BERT-shaped ONNX
 * model in transformers.js's folder layout) embeds the query and the chunks, and a chunk's
 * score is its cosine similarity to the query (negative values count as 0). Chunk vectors
 * are cached by content hash. The model is read from a local folder only: nothing here
 * reaches the network.
 */
export class EmbeddingScorer implements RelevanceScorer {
  readonly name = 'embedding';
  /** Chunks the model embedded (cache misses), for stats and tests. */
  embedded = 0;
  private readonly cache = new Map<string, Float32Array>();

  private constructor(
    private readonly extract: Extractor,
    private readonly dimensions: number,
  ) {}

  /**
   * Loads the model in `modelDir` (config.json, the tokenizer files, and onnx/model_quantized.onnx
   * or onnx/model.onnx; the 8-bit weights are preferred, four times smaller at nearly the same vectors).
   */
  static async load(modelDir: string): Promise<EmbeddingScorer> {
    const dtype = existsSync(join(modelDir, 'onnx', 'model_quantized.onnx')) ? 'q8' : 'fp32';
    if (
      !existsSync(join(modelDir, 'config.json')) ||
      (dtype === 'fp32' && !existsSync(join(modelDir, 'onnx', 'model.onnx')))
    ) {
      throw new EmbeddingModelUnavailable(
        `No embedding model in ${modelDir} (it needs config.json, the tokenizer files and onnx/model_quantized.onnx or onnx/model.onnx).`,
      );
    }
    let transformers: typeof import('@huggingface/transformers');
    try {
      transformers = await import('@huggingface/transformers');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
        throw new EmbeddingModelUnavailable(
          'the ONNX runtime (onnxruntime-node) is not installed; `headroom embeddings fetch` or the extension fetches it',
        );
      }
      throw new EmbeddingModelUnavailable(
        `the ONNX runtime (onnxruntime-node) could not be loaded: ${(error as Error).message.split('\n')[0]}`,
      );
    }
    transformers.env.allowRemoteModels = false;
    transformers.env.localModelPath = dirname(modelDir);
    let extract: Extractor;
    try {
      extract = (await transformers.pipeline('feature-extraction', basename(modelDir), {
        dtype,
      })) as unknown as Extractor;
    } catch (error) {
      throw new EmbeddingModelUnavailable(
        `The embedding model in ${modelDir} could not be loaded: ${(error as Error).message}`,
      );
    }
    const probe = await extract(['probe'], { pooling: 'mean', normalize: true });
    return new EmbeddingScorer(extract, probe.dims.at(-1) ?? 0);
  }

  async score(query: string, documents: readonly string[]): Promise<number[]> {
    const [queryVector] = await this.embed([query]);
    const vectors = await this.embed(documents);
    return vectors.map((vector) => Math.max(0, dot(queryVector, vector)));
  }

  private async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const keys = texts.map((text) => contentHash(text));
    const missing = [...new Set(keys.filter((key) => !this.cache.has(key)))];
    const textOf = new Map(keys.map((key, i) => [key, texts[i]]));
    for (let start = 0; start < missing.length; start += BATCH) {
      const batch = missing.slice(start, start + BATCH);
      const output = await this.extract(
        batch.map((key) => textOf.get(key)!),
        { pooling: 'mean', normalize: true },
      );
      const data = Float32Array.from(output.data);
      batch.forEach((key, i) => this.remember(key, data.subarray(i * this.dimensions, (i + 1) * this.dimensions)));
      this.embedded += batch.length;
    }
    return keys.map((key) => this.cache.get(key)!);
  }

  /** Least recently stored out first: a Map keeps insertion order. */
  private remember(key: string, vector: Float32Array): void {
    this.cache.set(key, vector);
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

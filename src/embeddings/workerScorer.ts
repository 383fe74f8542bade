import { delimiter, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RelevanceScorer } from '../core/types';
import { EmbeddingModelUnavailable } from './embeddingModelUnavailable';
import type { WorkerData, WorkerReply, WorkerRequest } from './embeddingWorker';

/**
 * The embedding scorer in a worker thread, with a latency budget: inference never runs on the
 * thread that serves requests, and a call that does not get its scores within `budgetMs`
 * gets none (zeros, so the hybrid score is BM25's alone) and is counted. The worker finishes
 * the work anyway, so the chunks are cached for the next turn.
 */
export class WorkerEmbeddingScorer implements RelevanceScorer {
  readonly name = 'embedding';
  /** Calls answered without embeddings because the budget ran out. */
  budgetMisses = 0;
  /** Chunks the worker's model has embedded so far. */
  embedded = 0;
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: WorkerReply) => void>();
  /** Set when the worker died: from then on every call is BM25 alone, at once. */
  private stopped = false;

  private constructor(
    private readonly worker: Worker,
    private readonly budgetMs: number,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type !== 'scores' && reply.type !== 'error') return;
      if (reply.type === 'scores') this.embedded = reply.embedded;
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
    // A worker that dies (out of memory, a runtime crash) must not take the proxy with it.
    const stop = () => {
      this.stopped = true;
      for (const [id, answer] of this.waiting) answer({ type: 'error', id, error: 'the embedding worker stopped' });
      this.waiting.clear();
    };
    worker.on('error', stop);
    worker.on('exit', stop);
    worker.unref();
  }

  /**
   * Starts the worker on the model in `modelDir`; rejects with EmbeddingModelUnavailable if it
   * cannot load it. transformers.js finds onnxruntime-node by module resolution from where it
   * is, so a fetched runtime (`runtimeDir`, see embeddingAssets.ts) joins the worker's NODE_PATH.
   */
  static async start(
    modelDir: string,
    options: { budgetMs: number; runtimeDir?: string },
  ): Promise<WorkerEmbeddingScorer> {
    const env = options.runtimeDir
      ? {
          ...process.env,
          NODE_PATH: [join(options.runtimeDir, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(delimiter),
        }
      : process.env;
    const worker = new Worker(join(__dirname, 'embeddingWorker.js'), {
      workerData: { modelDir } satisfies WorkerData,
      env,
    });
    const first = await new Promise<WorkerReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (first.type !== 'ready') {
      await worker.terminate();
      throw new EmbeddingModelUnavailable(first.type === 'failed' ? first.error : 'the embedding worker did not start');
    }
    return new WorkerEmbeddingScorer(worker, options.budgetMs);
  }

  score(query: string, documents: readonly string[]): Promise<number[]> {
    const id = this.nextId++;
    const zeros = () => documents.map(() => 0);
    if (this.stopped) return Promise.resolve(zeros());
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.budgetMisses++;
        this.waiting.set(id, () => undefined);
        resolve(zeros());
      }, this.budgetMs);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply.type === 'scores' ? reply.scores : zeros());
      });
      this.worker.postMessage({ id, query, documents: [...documents] } satisfies WorkerRequest);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

import { parentPort, workerData } from 'node:worker_threads';
import { EmbeddingScorer } from './embeddingScorer';

/** What the worker is started with, asked and answers; see WorkerEmbeddingScorer. */
export type WorkerData = { modelDir: string };
export type WorkerRequest = { id: number; query: string; documents: string[] };
export type WorkerReply =
  | { type: 'ready'; dimensions?: number }
  | { type: 'failed'; error: string }
  | { type: 'scores'; id: number; scores: number[]; embedded: number }
  | { type: 'error'; id: number; error: string };

const port = parentPort;
if (port) {
  EmbeddingScorer.load((workerData as WorkerData).modelDir).then(
    (scorer) => {
      port.on('message', (request: WorkerRequest) => {
        scorer.score(request.query, request.documents).then(
          (scores) =>
            port.postMessage({
              type: 'scores',
              id: request.id,
              scores,
              embedded: scorer.embedded,
            } satisfies WorkerReply),
          (error: Error) =>
            port.postMessage({ type: 'error', id: request.id, error: error.message } satisfies WorkerReply),
        );
      });
      port.postMessage({ type: 'ready' } satisfies WorkerReply);
    },
    (error: Error) => port.postMessage({ type: 'failed', error: error.message } satisfies WorkerReply),
  );
}

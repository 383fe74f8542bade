import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Offload, OffloadedOptions, StoredOriginal, TextCompression } from '../../core/types';
import type { CompressionReply, CompressionRequest, WorkerReady } from './compressionWorker';

type Done = { result: TextCompression; originals: StoredOriginal[] } | undefined;

/**
 * Compresses large outputs in a worker thread, so no single output holds up the requests the
 * proxy serves meanwhile, and with a hard deadline: a compression still running when its
 * request's budget ends is abandoned (the worker is stopped and a fresh one started, to be
 * warm for the next output) and that output goes upstream as it was.
 */
export class CompressionThread {
  /** Outputs the worker compressed, and those abandoned at their deadline. */
  readonly counts = { compressed: 0, abandoned: 0 };
  private worker?: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, { content: string; done: (outcome: Done) => void }>();

  private closed = false;
  private warm = false;

  /** Whether the worker has loaded what it needs, so a large output now is compressed at full speed. */
  get ready(): boolean {
    return this.warm && this.worker !== undefined;
  }

  readonly offload: Offload = (content, options) => this.compress(content, options);

  /** Starts the worker now, so it has loaded what it needs before the first large output arrives. */
  start(): void {
    this.running();
  }

  private compress(content: string, options: OffloadedOptions): Promise<Done> {
    if (this.closed) return Promise.resolve(undefined);
    const worker = this.running();
    const id = this.nextId++;
    return new Promise<Done>((resolve) => {
      // The worker is busy with this output for as long as it takes; only stopping it frees it.
      const timer =
        options.deadline === undefined
          ? undefined
          : setTimeout(
              () => {
                this.counts.abandoned += this.waiting.size;
                this.restart();
              },
              Math.max(0, options.deadline - Date.now()),
            );
      this.waiting.set(id, {
        content,
        done: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      });
      worker.postMessage({ id, content, options } satisfies CompressionRequest);
    });
  }

  /** Stops the worker for good; whatever it was compressing is answered as not done. */
  stop(): void {
    this.closed = true;
    this.abandon();
  }

  private restart(): void {
    this.abandon();
    if (!this.closed) this.running();
  }

  private abandon(): void {
    const worker = this.worker;
    this.worker = undefined;
    for (const { done } of this.waiting.values()) done(undefined);
    this.waiting.clear();
    void worker?.terminate();
  }

  private running(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(join(__dirname, 'compressionWorker.js'));
    this.warm = false;
    worker.on('message', (reply: CompressionReply | WorkerReady) => {
      if ('ready' in reply) {
        if (this.worker === worker) this.warm = true;
        return;
      }
      const waiting = this.waiting.get(reply.id);
      if (!waiting) return;
      this.waiting.delete(reply.id);
      if ('error' in reply) return waiting.done(undefined);
      this.counts.compressed++;
      const text = reply.result.text ?? waiting.content;
      waiting.done({ result: { ...reply.result, text }, originals: reply.originals });
    });
    // A worker that dies (out of memory) fails its outputs open; the next one starts afresh.
    const lost = () => {
      if (this.worker === worker) this.abandon();
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

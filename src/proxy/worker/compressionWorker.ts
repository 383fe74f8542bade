import { parentPort } from 'node:worker_threads';
import { compressText } from '../../core/compressText';
import { countTokens } from '../../core/tokens';
import type { CachedCompression, OffloadedOptions, StoredOriginal, TextCompression } from '../../core/types';
import { TreeSitterParser } from '../../syntax/treeSitterParser';

/** What the compression worker is asked and answers; see CompressionThread. */
export type CompressionRequest = { id: number; content: string; options: OffloadedOptions };
export type CompressionReply =
  | {
      id: number;
      /** `text` is left out when the output was not compressed: the caller has it. */
      result: Omit<TextCompression, 'text'> & { text?: string };
      originals: StoredOriginal[];
    }
  | { id: number; error: string };
/** Sent once, when the worker has loaded what compressing needs. */
export type WorkerReady = { ready: true };

/** Originals are collected to be stored by the proxy; the proxy keeps the memo too, so none here. */
class CollectingStore {
  originals: StoredOriginal[] = [];
  putOriginal(original: StoredOriginal): void {
    this.originals.push(original);
  }
  getCompression(): CachedCompression | undefined {
    return undefined;
  }
  putCompression(): void {}
}

const port = parentPort;
if (port) {
  // The tokenizer's tables load on first use: here, while the worker waits for its first output.
  countTokens('headroom');
  const codeParser = new TreeSitterParser();
  port.postMessage({ ready: true } satisfies WorkerReady);
  port.on('message', (request: CompressionRequest) => {
    const store = new CollectingStore();
    compressText(request.content, { ...request.options, store, codeParser }).then(
      ({ text, ...result }) =>
        port.postMessage({
          id: request.id,
          result: result.compressed ? { ...result, text } : result,
          originals: store.originals,
        } satisfies CompressionReply),
      (error: Error) => port.postMessage({ id: request.id, error: error.message } satisfies CompressionReply),
    );
  });
}

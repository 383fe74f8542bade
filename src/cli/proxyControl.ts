import type { EmbeddingSettings } from '../embeddings/relevance';

/**
 * What a supervisor (the extension) tells the proxy it forked, over the fork's private IPC
 * channel: nothing reachable from the network can send these. `useEmbeddings` loads a model
 * beside the running proxy; `bm25Only` says why there is none, for the stats and the panel.
 */
export type ProxyControlMessage = { type: 'useEmbeddings'; embeddings: EmbeddingSettings } | { type: 'bm25Only'; reason: string };

export function isProxyControlMessage(message: unknown): message is ProxyControlMessage {
  const candidate = message as { type?: unknown; embeddings?: { modelDir?: unknown }; reason?: unknown } | null;
  if (candidate?.type === 'useEmbeddings') return typeof candidate.embeddings?.modelDir === 'string';
  return candidate?.type === 'bm25Only' && typeof candidate.reason === 'string';
}

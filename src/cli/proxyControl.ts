import type { EmbeddingSettings } from '../embeddings/relevance';

/**
 * What a supervisor (the extension) tells the proxy it forked, over the fork's private IPC
 * channel: nothing reachable from the network can send these.
 */
export type ProxyControlMessage = { type: 'useEmbeddings'; embeddings: EmbeddingSettings };

export function isProxyControlMessage(message: unknown): message is ProxyControlMessage {
  const candidate = message as Partial<ProxyControlMessage> | null;
  return candidate?.type === 'useEmbeddings' && typeof candidate.embeddings?.modelDir === 'string';
}

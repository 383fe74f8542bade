import { compressText } from '../core/compressText';
import type { Aggressiveness, ContentKind, TextCompression } from '../core/types';
import type { RetrieveOptions } from '../core/retrieve';
import { readDiscovery } from '../proxy/discovery';
import { CcrStore, type RetrieveOutcome } from '../store/ccrStore';
import { StoreLocked } from '../store/fileLock';

export type CompressRequest = { content: string; query?: string; kind?: string; minTokens?: number; aggressiveness?: string };

/**
 * The store, opened here, or, when a running proxy holds it, that proxy's loopback API: one
 * writer per store, and the user can still compress and retrieve while the proxy runs.
 */
export interface StoreAccess {
  compress(request: CompressRequest): Promise<TextCompression>;
  retrieve(hash: string, options: RetrieveOptions): Promise<RetrieveOutcome>;
  close(): Promise<void>;
}

export async function openStoreAccess(file: string, onWarning: (message: string) => void): Promise<StoreAccess> {
  try {
    return local(await CcrStore.open({ file, onWarning }));
  } catch (error) {
    const proxy = error instanceof StoreLocked ? readDiscovery(file, error.pid) : undefined;
    if (!proxy) throw error;
    return viaProxy(proxy.url);
  }
}

function local(store: CcrStore): StoreAccess {
  return {
    compress: ({ content, kind, aggressiveness, ...rest }) => compressText(content, { ...rest, kind: kind as ContentKind | undefined, aggressiveness: aggressiveness as Aggressiveness | undefined, store }),
    retrieve: (hash, options) => store.retrieve(hash, options),
    close: () => store.close(),
  };
}

function viaProxy(url: string): StoreAccess {
  const call = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${url}${path}`, init);
    if (!response.ok && response.status !== 404) throw new Error(`the Headroom proxy at ${url} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    compress: (request) => call<TextCompression>('/headroom/compress', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) }),
    retrieve: (hash, options) => {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(options)) if (value !== undefined) query.set(key, String(value));
      return call<RetrieveOutcome>(`/headroom/retrieve/${encodeURIComponent(hash)}?${query.toString()}`);
    },
    close: async () => undefined,
  };
}

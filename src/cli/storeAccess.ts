import { compressText } from '../core/compressText';
import type { Aggressiveness, ContentKind, TextCompression } from '../core/types';
import type { RetrieveOptions } from '../core/retrieve';
import { readDiscovery } from '../proxy/discovery';
import { LoopbackClient, type CompressRequest } from '../proxy/loopbackClient';
import { CcrStore, type RetrieveOutcome } from '../store/ccrStore';
import { StoreLocked } from '../store/fileLock';


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
  const client = new LoopbackClient(url);
  return {
    compress: (request) => client.compress(request),
    retrieve: (hash, options) => client.retrieve(hash, options),
    close: async () => undefined,
  };
}

import type { RetrieveOptions, RetrieveOutcome } from '../core/retrieve';
import { isContentKind, type TextCompression } from '../core/types';
import { CcrStore } from '../store/ccrStore';
import { StoreLocked } from '../store/fileLock';
import { SharedContext } from '../store/sharedContext';
import { StatsStore } from '../store/statsStore';
import { isPostgresUrl } from '../store/paths';
import type { CompressRequest, SavingsReport, SharedEntry, SharedListing, SharedPut, ShareRequest } from './api';
import { compressDirectly } from './directCompression';
import { findRunningProxy, readDiscovery } from './discovery';
import { LoopbackClient } from './loopbackClient';

/**
 * The store, opened here, or, when a running proxy holds it, that proxy's loopback API: one
 * writer per store, and the CLI and the MCP server work the same whether a proxy runs or not.
 */
export interface StoreAccess {
  readonly via: 'proxy' | 'store';
  compress(request: CompressRequest): Promise<TextCompression>;
  retrieve(hash: string, options: RetrieveOptions): Promise<RetrieveOutcome>;
  savings(): Promise<SavingsReport>;
  share(request: ShareRequest): Promise<SharedPut>;
  shared(key: string, options?: { original?: boolean }): Promise<SharedEntry | undefined>;
  sharedList(): Promise<SharedListing[]>;
  close(): Promise<void>;
}

/** Long enough for another process's single call (a CLI compress, an MCP tool call) to finish. */
export const STORE_LOCK_WAIT_MS = 5_000;

/**
 * Through the proxy when one holds the store file, else by opening it (waiting for another CLI or
 * MCP call to let go of it); `close` releases the store for others.
 */
export async function openStoreAccess(location: string, onWarning: (message: string) => void): Promise<StoreAccess> {
  // A team's PostgreSQL store takes any number of processes at once.
  if (isPostgresUrl(location)) return local(await CcrStore.open({ postgres: location, onWarning }));
  const file = location;
  const running = findRunningProxy(file);
  if (running) return viaProxy(running.url, running.apiToken);
  try {
    return local(await CcrStore.open({ file, onWarning, lockWaitMs: STORE_LOCK_WAIT_MS }));
  } catch (error) {
    // A proxy that started between the check and the open.
    const proxy = error instanceof StoreLocked ? readDiscovery(file, error.pid) : undefined;
    if (!proxy) throw error;
    return viaProxy(proxy.url, proxy.apiToken);
  }
}

function local(store: CcrStore): StoreAccess {
  const stats = new StatsStore(store.database);
  const shared = new SharedContext(store);
  return {
    via: 'store',
    compress: (request) => compressDirectly(request, store, (record, items) => stats.record(record, items)),
    retrieve: (hash, options) => store.retrieve(hash, options),
    savings: async () => ({
      source: 'store',
      compression: null,
      allTime: await stats.summary(),
      byKind: await stats.savingsBy('kind'),
      byTool: await stats.savingsBy('tool'),
      store: await store.summary(),
    }),
    share: ({ key, content, kind, ...rest }) =>
      shared.put(key, content, { ...rest, kind: isContentKind(kind) ? kind : undefined }),
    shared: (key, options) => shared.get(key, options),
    sharedList: () => shared.list(),
    close: () => store.close(),
  };
}

function viaProxy(url: string, apiToken: string): StoreAccess {
  const client = new LoopbackClient(url, apiToken);
  return {
    via: 'proxy',
    compress: (request) => client.compress(request),
    retrieve: (hash, options) => client.retrieve(hash, options),
    async savings() {
      const { compression, allTime, byKind, byTool, store } = await client.stats();
      return { source: 'proxy', compression, allTime, byKind, byTool, store };
    },
    share: (request) => client.share(request),
    shared: (key, options) => client.shared(key, options),
    sharedList: () => client.sharedList(),
    close: async () => undefined,
  };
}

import { CcrStore, type CcrStoreOptions } from '../../src/store/ccrStore';
import { postgresServer } from './postgresServer';

export interface StoreBackend {
  name: string;
  /** A new, empty store on this backend. */
  open(options?: CcrStoreOptions): Promise<CcrStore>;
}

/**
 * The store's two backends, for tests that hold for both: the embedded one (in memory, as
 * sql.js keeps it) and PostgreSQL, a fresh database of this file's own server per store.
 */
export function storeBackends(): StoreBackend[] {
  const server = postgresServer();
  return [
    { name: 'embedded', open: (options = {}) => CcrStore.open(options) },
    {
      name: 'PostgreSQL',
      async open(options = {}) {
        const store = await CcrStore.open({ ...options, postgres: await server.database() });
        server.closeAtEnd(store);
        return store;
      },
    },
  ];
}

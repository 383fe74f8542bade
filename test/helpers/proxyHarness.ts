import { after, before } from 'node:test';
import { startProxy, type RunningProxy } from '../../src/proxy/server';
import { CcrStore } from '../../src/store/ccrStore';
import { startFakeUpstream, type FakeUpstream } from './fakeUpstream';

export interface Harness {
  proxy: RunningProxy;
  upstream: FakeUpstream;
  store: CcrStore;
  storeFile?: string;
}

/** A real proxy on an ephemeral loopback port, in front of a fake upstream, for one test file. */
export function proxyHarness(options: { storeFile?: string; upstreamScript?: string } = {}): Harness {
  const { storeFile } = options;
  const harness = { storeFile } as Harness;
  before(async () => {
    harness.upstream = await startFakeUpstream({ script: options.upstreamScript });
    harness.store = await CcrStore.open({ file: storeFile, debounceMs: 20 });
    harness.proxy = await startProxy({
      port: 0,
      store: harness.store,
      config: {
        anthropicUpstream: harness.upstream.url,
        openaiUpstream: harness.upstream.url,
        compressionBudgetMs: 5_000,
        bodyLimit: 64 * 1024 * 1024,
      },
    });
  });
  after(async () => {
    await harness.proxy.close(1_000);
    await harness.upstream.close();
    await harness.store.close();
  });
  return harness;
}

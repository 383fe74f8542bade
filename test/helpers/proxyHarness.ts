import { after, before } from 'node:test';
import { startProxy, type RunningProxy } from '../../src/proxy/server';
import { CcrStore } from '../../src/store/ccrStore';
import { startFakeUpstream, type FakeUpstream } from './fakeUpstream';

/** What a harness needs of the fake upstream it puts behind the proxy. */
interface Upstream {
  url: string;
  close(): Promise<void>;
}

export interface Harness<U extends Upstream = FakeUpstream> {
  proxy: RunningProxy;
  upstream: U;
  store: CcrStore;
  storeFile?: string;
}

/**
 * A real proxy on an ephemeral loopback port, in front of a fake upstream for every provider
 * (the scripted one, or the one `upstream` starts), for one test file.
 */
export function proxyHarness<U extends Upstream = FakeUpstream>(
  options: { storeFile?: string; upstreamScript?: string; upstream?: () => Promise<U> } = {},
): Harness<U> {
  const { storeFile } = options;
  const harness = { storeFile } as Harness<U>;
  before(async () => {
    harness.upstream = options.upstream
      ? await options.upstream()
      : ((await startFakeUpstream({ script: options.upstreamScript })) as unknown as U);
    harness.store = await CcrStore.open({ file: storeFile, debounceMs: 20 });
    harness.proxy = await startProxy({
      port: 0,
      store: harness.store,
      config: {
        anthropicUpstream: harness.upstream.url,
        openaiUpstream: harness.upstream.url,
        geminiUpstream: harness.upstream.url,
        compressionBudgetMs: 5_000,
        bodyLimit: 64 * 1024 * 1024,
      },
    });
    await untilWarm(harness.proxy);
  });
  after(async () => {
    await harness.proxy.close(1_000);
    await harness.upstream.close();
    await harness.store.close();
  });
  return harness;
}

/**
 * Resolves once the proxy's compression worker has loaded what it needs: a cold worker on a
 * busy machine can miss even a generous budget, and a large output would pass as it came.
 */
export async function untilWarm(proxy: RunningProxy): Promise<void> {
  for (const deadline = Date.now() + 30_000; !proxy.state.compressionThread.ready;) {
    if (Date.now() > deadline) throw new Error("the proxy's compression worker never became ready");
    await new Promise((done) => setTimeout(done, 20));
  }
}

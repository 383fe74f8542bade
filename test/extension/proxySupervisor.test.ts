import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ProxySupervisor, type ProxyLaunch, type ProxyStatus } from '../../src/extension/proxySupervisor';
import { LoopbackClient } from '../../src/proxy/loopbackClient';
import { settledRelevance } from '../helpers/relevance';
import { tempDir } from '../helpers/tempDir';
import { tinyEmbeddingModelFixture } from '../helpers/tinyEmbeddingModel';
import { freePort } from '../helpers/workbench';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.mjs');

function launch(store: string, port = 0): ProxyLaunch {
  return {
    port,
    store,
    anthropicUpstream: 'http://127.0.0.1:9',
    openaiUpstream: 'http://127.0.0.1:9',
    compression: true,
    minTokens: 500,
    aggressiveness: 'balanced',
    ttlDays: 7,
    historyTokens: 30_000,
    historyKeepTurns: 4,
    relevance: { bm25Only: 'the embedding model is downloading' },
  };
}

function supervisor(): ProxySupervisor {
  return new ProxySupervisor({
    cliPath: CLI,
    restartDelaysMs: [50],
    maxCrashes: 3,
    crashWindowMs: 60_000,
    attachedCheckMs: 100,
  });
}

function nextStatus(subject: ProxySupervisor, state: ProxyStatus['state']): Promise<ProxyStatus> {
  return new Promise((resolve) => {
    const listener = (status: ProxyStatus) => {
      if (status.state !== state) return;
      subject.off('status', listener);
      resolve(status);
    };
    subject.on('status', listener);
  });
}

const running = (status: ProxyStatus) => {
  assert.equal(status.state, 'running', JSON.stringify(status));
  return status as Extract<ProxyStatus, { state: 'running' }>;
};

describe('ProxySupervisor (forks the built CLI)', () => {
  const { modelDir } = tinyEmbeddingModelFixture();

  it('tells the proxy why relevance is BM25 alone, hands it a fetched model without restarting it, and keeps it for the next start', async () => {
    const subject = supervisor();
    try {
      let status = running(await subject.start(launch(join(tempDir(), 'store.sqlite'))));
      const client = new LoopbackClient(status.url, status.apiToken);
      const { pid } = await client.health();
      const downloading = { mode: 'bm25', reason: 'the embedding model is downloading' };
      assert.deepEqual(
        await settledRelevance(
          client,
          (relevance) => relevance.mode === 'bm25' && relevance.reason !== downloading.reason,
        ),
        downloading,
        'the proxy says why, as the extension told it',
      );
      subject.useEmbeddings({ modelDir, weight: 0.3, budgetMs: 2_000 });
      const hybrid = { mode: 'hybrid', embeddingWeight: 0.3, budgetMs: 2_000 };
      assert.deepEqual(await settledRelevance(client, (relevance) => relevance.mode === 'bm25'), hybrid);
      assert.equal((await client.health()).pid, pid, 'the same proxy process, not a restart');

      const restarted = nextStatus(subject, 'running');
      process.kill(pid, 'SIGKILL');
      status = running(await restarted);
      const restartedClient = new LoopbackClient(status.url, status.apiToken);
      assert.deepEqual(
        await settledRelevance(restartedClient),
        hybrid,
        'the restarted proxy is launched with the model',
      );
      subject.explainBm25('a late explanation');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(
        (await restartedClient.stats()).relevance,
        hybrid,
        'an explanation does not undo a loaded model',
      );
    } finally {
      await subject.stop();
    }
  });

  it('starts the proxy in its own process and stops it gracefully, flushing the store', async () => {
    const store = join(tempDir(), 'store.sqlite');
    const subject = supervisor();
    const status = running(await subject.start(launch(store)));
    assert.equal(status.owned, true);
    const health = await new LoopbackClient(status.url).health();
    assert.notEqual(health.pid, process.pid, 'the proxy runs in another process');
    assert.ok(existsSync(`${store}.proxy.json`));
    await subject.stop();
    assert.equal(subject.status.state, 'stopped');
    assert.equal(existsSync(`${store}.proxy.json`), false, 'the proxy shut down through its own handler');
    assert.ok(existsSync(store), 'the store was written on the way out');
    await assert.rejects(new LoopbackClient(status.url).health());
  });

  it('restarts a proxy that dies, and gives up with a visible error after repeated crashes', async () => {
    const subject = supervisor();
    let status = running(await subject.start(launch(join(tempDir(), 'store.sqlite'))));
    for (let crash = 1; crash <= 3; crash++) {
      const { pid } = await new LoopbackClient(status.url).health();
      const next = nextStatus(subject, crash < 3 ? 'restarting' : 'failed');
      process.kill(pid, 'SIGKILL');
      const after = await next;
      if (crash < 3) {
        assert.match((after as { error: string }).error, /SIGKILL/);
        status = running(await nextStatus(subject, 'running'));
        assert.equal((await new LoopbackClient(status.url).health()).ok, true);
      } else {
        assert.match((after as { error: string }).error, /crashed 3 times in a row/);
      }
    }
    await subject.stop();
  });

  it('says clearly that the port is taken, without a restart loop', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((done) => blocker.listen(port, '127.0.0.1', done));
    try {
      const subject = supervisor();
      const status = await subject.start(launch(join(tempDir(), 'store.sqlite'), port));
      assert.equal(status.state, 'failed');
      assert.match((status as { error: string }).error, new RegExp(`Port ${port} .* already in use`));
      await new Promise((done) => setTimeout(done, 200));
      assert.equal(subject.status.state, 'failed', 'no restart was attempted');
    } finally {
      blocker.close();
    }
  });

  it('a second window uses the proxy that holds the store, and takes over when it stops', async () => {
    const store = join(tempDir(), 'store.sqlite');
    const first = supervisor();
    const second = supervisor();
    const owner = running(await first.start(launch(store)));
    const user = running(await second.start(launch(store)));
    assert.deepEqual({ url: user.url, owned: user.owned }, { url: owner.url, owned: false });
    const takeover = nextStatus(second, 'running');
    await first.stop();
    const taken = running(await takeover);
    assert.equal(taken.owned, true);
    assert.equal((await new LoopbackClient(taken.url).health()).ok, true);
    await second.stop();
  });
});

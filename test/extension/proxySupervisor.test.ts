import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ProxySupervisor, type ProxyLaunch, type ProxyStatus } from '../../src/extension/proxySupervisor';
import { LoopbackClient } from '../../src/proxy/loopbackClient';
import { startProxy, type RunningProxy } from '../../src/proxy/server';
import { CcrStore } from '../../src/store/ccrStore';
import { TeamTokens } from '../../src/store/teamTokens';
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

describe('ProxySupervisor with a team proxy', () => {
  const dir = tempDir();
  let proxy: RunningProxy;
  let store: CcrStore;
  let tokens: TeamTokens;
  before(async () => {
    store = await CcrStore.open();
    tokens = new TeamTokens(join(dir, 'tokens.json'));
    proxy = await startProxy({
      port: 0,
      host: '0.0.0.0',
      store,
      config: {
        anthropicUpstream: 'http://127.0.0.1:9',
        openaiUpstream: 'http://127.0.0.1:9',
        compressionBudgetMs: 1_000,
        bodyLimit: 1_024,
        team: { verify: tokens.verifier(), hosts: ['headroom.team.internal'] },
      },
    });
  });
  after(async () => {
    await store.close();
  });
  const teamLaunch = (token: string | undefined): ProxyLaunch => ({
    ...launch(join(dir, 'unused.sqlite')),
    team: { url: proxy.url, token },
  });

  it('uses the team proxy with the token instead of starting one, and says what to do without one or with a revoked one', async () => {
    const subject = supervisor();
    const { token } = tokens.add('erin');
    const status = running(await subject.start(teamLaunch(token)));
    assert.equal(status.url, proxy.url);
    assert.equal(status.apiToken, token, "the feed and the routing use the user's token");
    assert.equal(status.team, true);
    assert.equal(status.owned, false);
    assert.equal(existsSync(join(dir, 'unused.sqlite')), false, 'no proxy of its own was started');
    const none = await subject.start(teamLaunch(undefined));
    assert.match(none.state === 'failed' ? none.error : '', /set your token: run "Headroom: Set Team Token"/);
    tokens.revoke('erin');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const refused = await subject.start(teamLaunch(token));
    assert.match(refused.state === 'failed' ? refused.error : '', /refused your token/);
    await subject.stop();
  });

  it('notices when the team proxy stops answering and retries it', async () => {
    const subject = supervisor();
    const { token } = tokens.add('fay');
    // The proxy reads its tokens file again at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    running(await subject.start(teamLaunch(token)));
    const restarting = nextStatus(subject, 'restarting');
    await proxy.close(100);
    const status = await restarting;
    assert.match(status.state === 'restarting' ? status.error : '', /stopped answering/);
    await subject.stop();
  });
});

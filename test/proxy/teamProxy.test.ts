import { strict as assert } from 'node:assert';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { statsResponseSchema } from '../../src/proxy/api';
import { API_TOKEN_HEADER } from '../../src/proxy/apiToken';
import { startProxy, type RunningProxy } from '../../src/proxy/server';
import { PROJECT_HEADER } from '../../src/proxy/teamAccess';
import { CcrStore } from '../../src/store/ccrStore';
import { TeamTokens } from '../../src/store/teamTokens';
import { headroom, startCliProxy } from '../helpers/cli';
import { anthropicKit } from '../helpers/contract/anthropicKit';
import { proxyHarness, untilWarm } from '../helpers/proxyHarness';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fakeUpstream';
import { apiTokenHeader, httpRequest } from '../helpers/http';
import { tempDir } from '../helpers/tempDir';
import { bigLog } from '../helpers/toolOutputs';

const messages = (output: string) => JSON.stringify(anthropicKit.firstRequest({ stream: false, output }));

describe('team tokens', () => {
  it('keeps only a hash of each token, in a file its owner alone can read, and lists and revokes by id or user', () => {
    const file = join(tempDir(), 'team', 'tokens.json');
    const tokens = new TeamTokens(file);
    const alice = tokens.add('alice', 'web');
    const bob = tokens.add('bob');
    assert.match(alice.token, /^hrt_[\w-]{32}$/);
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(alice.token) && !text.includes(bob.token), 'a token itself is never written');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(
      tokens.list().map((t) => [t.id, t.user, t.project]),
      [
        [alice.id, 'alice', 'web'],
        [bob.id, 'bob', undefined],
      ],
    );
    assert.throws(() => tokens.add('../evil'), /user name/);
    assert.equal(tokens.revoke(bob.id), 1);
    assert.equal(tokens.revoke('alice'), 1);
    assert.equal(tokens.revoke('nobody'), 0);
    assert.deepEqual(tokens.list(), []);
  });

  it('a verifier sees a revocation within a second, without a restart, and knows no token it was not given', () => {
    const tokens = new TeamTokens(join(tempDir(), 'tokens.json'));
    const { token } = tokens.add('carol', 'api');
    let clock = 0;
    const verify = tokens.verifier(() => clock);
    assert.deepEqual(verify(token), { user: 'carol', project: 'api' });
    assert.equal(verify(`${token.slice(0, -1)}x`), undefined);
    assert.equal(verify('sk-ant-not-ours'), undefined);
    tokens.revoke('carol');
    clock = 1_000;
    assert.equal(verify(token), undefined);
  });

  it('the CLI adds, lists and revokes, and prints a token only when it makes it', () => {
    const env = { HEADROOM_TOKENS: join(tempDir(), 'tokens.json') };
    const added = headroom(['tokens', 'add', 'dave', '--project', 'infra'], undefined, env);
    assert.equal(added.code, 0, added.stderr);
    const token = added.stdout.trim();
    assert.match(token, /^hrt_/);
    const listed = headroom(['tokens', 'list'], undefined, env);
    assert.match(listed.stdout, /dave {2}project infra/);
    assert.ok(!listed.stdout.includes(token));
    assert.equal(headroom(['tokens', 'revoke', 'dave'], undefined, env).code, 0);
    assert.equal(headroom(['tokens', 'revoke', 'dave'], undefined, env).code, 1);
    assert.equal(headroom(['tokens', 'frobnicate'], undefined, env).code, 2);
  });
});

describe('a proxy bound beyond loopback', () => {
  it('refuses to start without tokens, or on every interface without the names clients use', () => {
    const env = { HEADROOM_HOME: tempDir() };
    const bare = headroom(['proxy', '--listen', '0.0.0.0:0', '--allowed-hosts', 'headroom.lan'], undefined, env);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /needs tokens: make one with `headroom tokens add USER`/);
    assert.equal(headroom(['tokens', 'add', 'erin'], undefined, env).code, 0);
    const unnamed = headroom(['proxy', '--listen', '0.0.0.0:0'], undefined, env);
    assert.equal(unnamed.code, 2);
    assert.match(unnamed.stderr, /--allowed-hosts/);
    assert.match(headroom(['proxy', '--listen', 'nonsense'], undefined, env).stderr, /HOST:PORT/);
  });

  it('started from the CLI with a token, serves the team: a request without one gets 401, with one it is compressed', async () => {
    const dir = tempDir();
    const env = { HEADROOM_TOKENS: join(dir, 'tokens.json') };
    const token = headroom(['tokens', 'add', 'frank'], undefined, env).stdout.trim();
    const upstream = await startFakeUpstream();
    const proxy = await startCliProxy(
      [
        '--listen',
        '0.0.0.0:0',
        '--allowed-hosts',
        'headroom.lan',
        '--store',
        join(dir, 'store.sqlite'),
        '--anthropic-upstream',
        upstream.url,
      ],
      env,
    );
    try {
      assert.match(proxy.line, /for a team on 0\.0\.0\.0:\d+/);
      const send = (headers: Record<string, string>) =>
        httpRequest(`${proxy.url}/v1/messages`, {
          headers: { ...anthropicKit.headers, host: 'headroom.lan', ...headers },
          body: messages(bigLog()),
        });
      assert.equal((await send({})).status, 401);
      assert.equal(upstream.requests.length, 0);
      assert.equal((await send({ [API_TOKEN_HEADER]: token })).status, 200);
      assert.ok(upstream.requests[0].body.length < messages(bigLog()).length / 2);
    } finally {
      await proxy.stop();
      await upstream.close();
    }
  });

  it('startProxy itself will not listen beyond loopback without team access', async () => {
    const store = await CcrStore.open();
    await assert.rejects(
      startProxy({
        port: 0,
        host: '0.0.0.0',
        store,
        config: {
          anthropicUpstream: 'http://127.0.0.1:9',
          openaiUpstream: 'http://127.0.0.1:9',
          compressionBudgetMs: 1,
          bodyLimit: 1,
        },
      }),
      /only for a team, with tokens/,
    );
    await store.close();
  });
});

describe('a team proxy', () => {
  let upstream: FakeUpstream;
  let store: CcrStore;
  let proxy: RunningProxy;
  let tokens: TeamTokens;
  let alice: string;
  let bob: string;
  let clock = 0;
  let url: string;
  const dir = tempDir();

  before(async () => {
    upstream = await startFakeUpstream();
    store = await CcrStore.open();
    tokens = new TeamTokens(join(dir, 'tokens.json'));
    alice = tokens.add('alice', 'web').token;
    bob = tokens.add('bob').token;
    proxy = await startProxy({
      port: 0,
      host: '0.0.0.0',
      store,
      config: {
        anthropicUpstream: upstream.url,
        openaiUpstream: upstream.url,
        compressionBudgetMs: 10_000,
        bodyLimit: 64 * 1024 * 1024,
        team: { verify: tokens.verifier(() => clock), hosts: ['headroom.team.internal'] },
      },
    });
    url = proxy.url;
    await untilWarm(proxy);
  });
  after(async () => {
    await proxy.close(1_000);
    await upstream.close();
    await store.close();
  });

  const post = (headers: Record<string, string>, host = 'headroom.team.internal') =>
    httpRequest(`${url}/v1/messages`, {
      headers: { ...anthropicKit.headers, host, 'x-api-key': 'sk-ant-user-key', ...headers },
      body: messages(bigLog()),
    });

  it('answers 401 in the provider’s error shape to a request without a token or with a wrong one', async () => {
    const before = upstream.requests.length;
    const attempts: Array<Record<string, string>> = [
      {},
      { [API_TOKEN_HEADER]: 'hrt_wrong' },
      { authorization: 'Bearer hrt_wrong' },
    ];
    for (const headers of attempts) {
      const answer = await post(headers);
      assert.equal(answer.status, 401);
      assert.equal(JSON.parse(answer.body.toString()).error.type, 'authentication_error');
    }
    assert.equal(upstream.requests.length, before, 'nothing reached the provider');
  });

  it('admits a token, compresses, and sends the provider neither the token nor the project header', async () => {
    const answer = await post({ [API_TOKEN_HEADER]: alice, [PROJECT_HEADER]: 'checkout' });
    assert.equal(answer.status, 200, answer.body.toString());
    const seen = upstream.requests.at(-1)!;
    assert.equal(seen.headers[API_TOKEN_HEADER], undefined);
    assert.equal(seen.headers[PROJECT_HEADER], undefined);
    assert.equal(seen.headers['x-api-key'], 'sk-ant-user-key', "the user's own key goes on");
    assert.ok(seen.body.length < messages(bigLog()).length / 2, 'the log was compressed');
  });

  it('checks Host against the names it is reached by', async () => {
    assert.equal((await post({ [API_TOKEN_HEADER]: bob }, 'evil.example')).status, 403);
    assert.equal((await post({ [API_TOKEN_HEADER]: bob }, 'localhost')).status, 200);
  });

  it('lets a team token read the stats but not switch compression, which stays the operator’s', async () => {
    const toggle = (headers: Record<string, string>) =>
      httpRequest(`${url}/headroom/toggle`, {
        headers: { host: 'headroom.team.internal', 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ enabled: false }),
      });
    const refused = await toggle({ [API_TOKEN_HEADER]: alice });
    assert.equal(refused.status, 403);
    assert.equal(proxy.state.compressionEnabled, true);
    const stats = await httpRequest(`${url}/headroom/stats`, {
      headers: { host: 'headroom.team.internal', [API_TOKEN_HEADER]: alice },
    });
    assert.equal(stats.status, 200);
    assert.equal((await toggle({ [API_TOKEN_HEADER]: proxy.apiToken })).status, 200);
    assert.equal(proxy.state.compressionEnabled, false, 'the operator (the API token) can');
    proxy.state.compressionEnabled = true;
  });

  it('attributes savings per user and per project in the stats', async () => {
    const answer = await httpRequest(`${url}/headroom/stats`, {
      headers: { host: 'headroom.team.internal', [API_TOKEN_HEADER]: bob },
    });
    assert.equal(answer.status, 200);
    const stats = statsResponseSchema.parse(JSON.parse(answer.body.toString()));
    const users = Object.fromEntries((stats.byUser ?? []).map((u) => [u.key, u]));
    assert.equal(users.alice?.requests, 1);
    assert.equal(users.bob?.requests, 1);
    assert.ok(users.alice.tokensSaved > 0);
    assert.deepEqual(
      (stats.byProject ?? []).map((p) => p.key),
      ['checkout'],
      'the header named it; bob’s token names none',
    );
  });

  it('serves Prometheus metrics to a bearer token, per user', async () => {
    assert.equal((await httpRequest(`${url}/metrics`, { headers: { host: 'headroom.team.internal' } })).status, 401);
    const answer = await httpRequest(`${url}/metrics`, {
      headers: { host: 'headroom.team.internal', authorization: `Bearer ${alice}` },
    });
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const text = answer.body.toString();
    assert.match(text, /headroom_requests_total\{provider="anthropic",status="2xx",user="alice"\} 1/);
    assert.match(text, /headroom_request_duration_seconds_count\{provider="anthropic"\} 2/);
    assert.match(text, /headroom_compressed_outputs_total\{provider="anthropic",kind="log"\} [1-9]/);
    assert.match(text, /headroom_failures_total 0/);
    assert.match(text, /process_resident_memory_bytes \d/);
  });

  it('answers its health probe without a token, and as a readiness probe once warm', async () => {
    const answer = await httpRequest(`${url}/headroom/health?ready`, { headers: { host: '10.0.0.7:8787' } });
    assert.equal(answer.status, 403, 'named hosts only');
    const probe = await httpRequest(`${url}/headroom/health?ready`, { headers: { host: 'headroom.team.internal' } });
    assert.equal(probe.status, 200);
    assert.equal(JSON.parse(probe.body.toString()).team, true);
  });

  it('refuses a revoked token within a second, and still admits the local supervisor by its API token', async () => {
    tokens.revoke('bob');
    clock += 1_000;
    assert.equal((await post({ [API_TOKEN_HEADER]: bob })).status, 401);
    assert.equal((await post({ [API_TOKEN_HEADER]: alice })).status, 200);
    assert.equal((await post(apiTokenHeader(proxy))).status, 200);
    assert.equal(upstream.requests.at(-1)!.headers[API_TOKEN_HEADER], undefined, 'nor is the API token sent on');
  });
});

describe('a personal proxy', () => {
  const harness = proxyHarness();

  it('serves /metrics only with its API token, in the header or as a bearer token', async () => {
    const metrics = (headers: Record<string, string>) => httpRequest(`${harness.proxy.url}/metrics`, { headers });
    assert.equal((await metrics({})).status, 401);
    assert.equal((await metrics({ authorization: 'Bearer not-it' })).status, 401);
    assert.match((await metrics(apiTokenHeader(harness.proxy))).body.toString(), /headroom_retrievals_total 0/);
    assert.equal((await metrics({ authorization: `Bearer ${harness.proxy.apiToken}` })).status, 200);
  });

  it('says it serves no team on its health route', async () => {
    const health = await httpRequest(`${harness.proxy.url}/headroom/health`);
    assert.equal(JSON.parse(health.body.toString()).team, false);
  });
});

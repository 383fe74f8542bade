import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { statsResponseSchema } from '../../src/proxy/api';
import { CcrStore } from '../../src/store/ccrStore';
import { POSTGRES_SCHEMA_VERSION } from '../../src/store/postgresSchema';
import { PostgresDatabase } from '../../src/store/postgresDatabase';
import { headroom, startCliProxy, type CliProxy } from '../helpers/cli';
import { anthropicKit } from '../helpers/contract/anthropicKit';
import { startStrictFake, type StrictFake } from '../helpers/contract/strictFake';
import { apiTokenHeader, httpRequest } from '../helpers/http';
import { postgresServer } from '../helpers/postgresServer';
import { bigLog } from '../helpers/toolOutputs';

const server = postgresServer();
const outputOf = (n: number) => bigLog().replace(/INFO/g, `INFO batch-${n}`);
const body = (output: string, stream = false) => JSON.stringify(anthropicKit.firstRequest({ stream, output }));
const markersIn = (text: string) => [...new Set([...text.matchAll(/retrieve hash=([0-9a-f]{24})/g)].map((m) => m[1]))];

async function retrievable(proxy: CliProxy, hash: string): Promise<boolean> {
  const answer = await httpRequest(`${proxy.url}/headroom/retrieve/${hash}`, { headers: apiTokenHeader(proxy) });
  return answer.status === 200;
}

describe('proxies sharing one store on PostgreSQL', () => {
  let upstream: StrictFake;
  let database: string;
  const proxies: CliProxy[] = [];
  before(async () => {
    upstream = await startStrictFake([anthropicKit]);
    database = await server.database();
    // Started together on an empty database: one of them migrates it, the others wait for that.
    proxies.push(
      ...(await Promise.all(
        [0, 1, 2].map(() => startCliProxy(['--store', database, '--anthropic-upstream', upstream.url])),
      )),
    );
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.stop()));
    await upstream.close();
  });

  it('says which server it uses, never with its password', () => {
    assert.match(proxies[0].line, /store postgres:\/\/headroom@127\.0\.0\.1:\d+\/headroom_test_\d+/);
    const withPassword = headroom(
      ['proxy', '--port', '0', '--store', 'postgres://ada:s3cret-pw@127.0.0.1:1/nowhere'],
      undefined,
    );
    assert.notEqual(withPassword.code, 0, 'a server it cannot reach stops it');
    assert.match(withPassword.stderr, /postgres:\/\/ada:\*\*\*@127\.0\.0\.1:1\/nowhere could not be opened/);
    assert.ok(!withPassword.stderr.includes('s3cret-pw'), withPassword.stderr);
  });

  it('serves 200 concurrent requests spread over three proxies, and a marker made by one retrieves from every other', async () => {
    const send = (i: number, proxy: CliProxy) =>
      httpRequest(`${proxy.url}/v1/messages`, { headers: anthropicKit.headers, body: body(outputOf(i % 40)) });
    const answered = (answers: Array<{ status: number; body: Buffer }>) =>
      assert.deepEqual(
        answers.filter((a) => a.status !== 200).map((a) => a.body.toString().slice(0, 200)),
        [],
        'every request answered',
      );
    // 40 new outputs, each through two proxies at once: the same original stored by two processes together.
    const first = upstream.requests.length;
    answered(await Promise.all(Array.from({ length: 80 }, (_, i) => send(i, proxies[(i + Math.floor(i / 40)) % 3]))));
    const before = upstream.requests.length;
    answered(await Promise.all(Array.from({ length: 200 }, (_, i) => send(i, proxies[i % 3]))));
    const sent = upstream.requests.slice(before).map((r) => r.body.toString());
    assert.equal(sent.length, 200);
    assert.ok(
      sent.every((text) => markersIn(text).length > 0),
      'every request went upstream compressed, replayed from the memo whichever proxy made it',
    );
    // One output compressed by different replicas reads the same: the prompt cache hits whichever one serves.
    // (The upstream sees them in the order they arrive: each is told apart by its output's batch.)
    const byOutput = new Map<string, Set<string>>();
    for (const text of sent) {
      const batch = /INFO batch-(\d+)/.exec(text)![1];
      byOutput.set(batch, (byOutput.get(batch) ?? new Set()).add(text));
    }
    assert.equal(byOutput.size, 40);
    assert.ok(
      [...byOutput.values()].every((texts) => texts.size === 1),
      'each output went upstream byte for byte the same, whichever proxy served it',
    );
    const markers = [...new Set(upstream.requests.slice(first).flatMap((r) => markersIn(r.body.toString())))];
    assert.ok(markers.length >= 40);
    const missing: string[] = [];
    for (const [i, hash] of markers.entries()) {
      for (const proxy of [proxies[i % 3], proxies[(i + 1) % 3]])
        if (!(await retrievable(proxy, hash))) missing.push(hash);
    }
    assert.deepEqual(missing, [], 'every marker retrieves from every proxy');
    for (const proxy of proxies) {
      const stats = statsResponseSchema.parse(
        JSON.parse(
          (await httpRequest(`${proxy.url}/headroom/stats`, { headers: apiTokenHeader(proxy) })).body.toString(),
        ),
      );
      assert.ok(stats.allTime.requests >= 280, 'the stats are the whole team’s, read from any proxy');
      assert.ok(stats.store.originals >= markers.length);
    }
  });

  it('a proxy killed mid-stream loses nothing: the others retrieve what it handed out, and the retry through another reads the same', async () => {
    const victim = await startCliProxy(['--store', database, '--anthropic-upstream', upstream.url]);
    const before = upstream.requests.length;
    const output = outputOf(1_000);
    const cut = await new Promise<{ received: number; exit: Promise<number | null> }>((resolve, reject) => {
      const req = request(`${victim.url}/v1/messages`, {
        method: 'POST',
        headers: { ...anthropicKit.headers, 'x-fake-delay-ms': '50' },
      });
      req.on('response', (res) => {
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > 0 && victim.child.exitCode === null) {
            victim.child.kill('SIGKILL');
            resolve({ received, exit: victim.stop() });
          }
        });
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      req.on('close', () => setTimeout(() => reject(new Error('the stream ended before the proxy was killed')), 5_000));
      req.end(body(output, true));
    });
    assert.ok(cut.received > 0);
    await cut.exit;
    const handedOut = markersIn(upstream.requests.at(-1)!.body.toString());
    assert.equal(upstream.requests.length, before + 1);
    assert.ok(handedOut.length > 0, 'the killed proxy had sent markers upstream');
    for (const hash of handedOut)
      assert.ok(await retrievable(proxies[1], hash), `${hash} retrieves from another proxy`);
    const retry = await httpRequest(`${proxies[2].url}/v1/messages`, {
      headers: anthropicKit.headers,
      body: body(output),
    });
    assert.equal(retry.status, 200);
    const resent = JSON.parse(upstream.requests.at(-1)!.body.toString()) as { messages: unknown[] };
    const first = JSON.parse(upstream.requests.at(-2)!.body.toString()) as { messages: unknown[] };
    assert.deepEqual(resent.messages, first.messages, 'the retry went upstream as the killed proxy had sent it');
  });
});

describe('the PostgreSQL schema', () => {
  it('creates every table on an empty database, at the current version', async () => {
    const url = await server.database();
    const store = await CcrStore.open({ postgres: url });
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const version = await client.query('SELECT version FROM headroom_schema');
      assert.deepEqual(version.rows, [{ version: POSTGRES_SCHEMA_VERSION }]);
      const tables = await client.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      assert.deepEqual(
        tables.rows.map((r: { table_name: string }) => r.table_name),
        [
          'compressions',
          'evictions',
          'headroom_schema',
          'originals',
          'outputs',
          'requests',
          'shared_content',
          'shared_keys',
          'shared_puts',
          'texts',
        ],
      );
    } finally {
      await client.end();
    }
  });

  it('brings a database of an older schema up to date, keeping what it holds', async () => {
    const url = await server.database();
    const old = await CcrStore.open({ postgres: url, schemaVersion: 1 });
    await old.putOriginal({ hash: 'a'.repeat(24), content: 'kept across the migration', kind: 'log' });
    await old.close();
    const store = await CcrStore.open({ postgres: url });
    const outcome = await store.retrieve('a'.repeat(24));
    await store.close();
    assert.ok(outcome.ok && outcome.part.content === 'kept across the migration');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      assert.equal(
        (await client.query('SELECT version FROM headroom_schema')).rows[0].version,
        POSTGRES_SCHEMA_VERSION,
      );
      const indexes = await client.query("SELECT indexname FROM pg_indexes WHERE indexname = 'requests_user'");
      assert.equal(indexes.rows.length, 1, 'the later migration ran');
    } finally {
      await client.end();
    }
  });

  it('refuses a database a newer Headroom migrated, saying what to do', async () => {
    const url = await server.database();
    await (await PostgresDatabase.open(url)).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('UPDATE headroom_schema SET version = version + 1');
    await client.end();
    await assert.rejects(CcrStore.open({ postgres: url }), /newer than this Headroom's .*upgrade Headroom/);
  });
});

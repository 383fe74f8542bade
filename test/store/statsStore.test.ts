import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { CcrStore } from '../../src/store/ccrStore';
import { StatsStore } from '../../src/store/statsStore';
import { tempDir } from '../helpers/tempDir';
import { storeBackends } from '../helpers/storeBackends';
import type { ItemRecord, RequestRecord } from '../../src/store/records';

const request = (at: number, overrides: Partial<RequestRecord> = {}): RequestRecord => ({
  at,
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  path: '/v1/messages',
  status: 200,
  tokensBefore: 5_000,
  tokensAfter: 500,
  latencyMs: 3,
  retrievals: 0,
  inputTokens: 100,
  ...overrides,
});
const item: ItemRecord = {
  hash: 'a'.repeat(24),
  tool: 'Bash',
  kind: 'log',
  tokensBefore: 5_000,
  tokensAfter: 500,
  preview: 'INFO …',
};

for (const backend of storeBackends())
  describe(`the stats store (${backend.name})`, () => {
    it('lists each distinct compressed output once, however many requests re-sent it', async () => {
      const stats = new StatsStore((await backend.open()).database);
      const ids: number[] = [];
      for (const at of [1_000, 2_000, 3_000])
        ids.push(
          await stats.record(request(at, { savings: { gross: 0.02, retrieveTool: 0.001, retrieval: 0, net: 0.019 } }), [
            item,
          ]),
        );
      assert.equal(new Set(ids).size, 3, 'each request has an id of its own');
      const listed = await stats.items();
      assert.equal(listed.total, 1);
      assert.equal(listed.items[0].sends, 3);
      assert.equal(listed.items[0].at, 1_000, 'listed when it was first sent');
      const summary = await stats.summary();
      assert.equal(summary.compressedItems, 1);
      assert.equal(summary.requests, 3);
      assert.equal(summary.dollarsSaved, 0.057);
      assert.equal(summary.dollarsGross, 0.06);
      assert.equal(summary.retrieveToolDollars, 0.003);
      assert.deepEqual(await stats.savingsBy('kind'), [{ key: 'log', tokensSaved: 4_500, items: 1 }]);
      assert.deepEqual(await stats.series('hour', 0), [
        { start: 0, tokensSent: 1_500, tokensSaved: 13_500, requests: 3 },
      ]);
    });

    it("attributes a team's requests to their user and project", async () => {
      const stats = new StatsStore((await backend.open()).database);
      const saved = { gross: 0.01, retrieveTool: 0, retrieval: 0, net: 0.01 };
      await stats.record(request(1_000, { user: 'ada', project: 'api', savings: saved }), []);
      await stats.record(request(2_000, { user: 'ada', project: 'web', savings: saved }), []);
      await stats.record(request(3_000, { user: 'bob', project: 'api', savings: { ...saved, net: 0.05 } }), []);
      await stats.record(request(4_000), []);
      assert.deepEqual(await stats.savingsByRequester('user'), [
        { key: 'bob', requests: 1, tokensSaved: 4_500, dollarsSaved: 0.05 },
        { key: 'ada', requests: 2, tokensSaved: 9_000, dollarsSaved: 0.02 },
      ]);
      assert.deepEqual(
        (await stats.savingsByRequester('project')).map((p) => [p.key, p.requests]),
        [
          ['api', 2],
          ['web', 1],
        ],
      );
    });

    it('counts requests whose model has no known price apart, and prices nothing for them', async () => {
      const stats = new StatsStore((await backend.open()).database);
      await stats.record(request(1_000, { model: 'my-local-model', failure: 'timed out' }), [item]);
      await stats.record(request(2_000, { provider: 'local', inputTokens: undefined }), []);
      const summary = await stats.summary();
      assert.equal(summary.failures, 1);
      assert.equal(summary.unpricedRequests, 1, 'a local compression has no bill to price');
      assert.equal(summary.dollarsSaved, 0);
    });
  });

describe('the stats store (embedded, migrations)', () => {
  it('brings a store of the earlier schema over: one row per distinct item, the new columns added', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.exec(`CREATE TABLE requests (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, provider TEXT NOT NULL, model TEXT, path TEXT NOT NULL,
      status INTEGER NOT NULL, tokens_before INTEGER NOT NULL, tokens_after INTEGER NOT NULL, input_tokens INTEGER, output_tokens INTEGER, cache_read_tokens INTEGER,
      cache_write_tokens INTEGER, latency_ms INTEGER NOT NULL, retrievals INTEGER NOT NULL, failure TEXT, dollars_saved REAL NOT NULL);
      CREATE TABLE items (request_id INTEGER NOT NULL, at INTEGER NOT NULL, hash TEXT NOT NULL, tool TEXT, kind TEXT NOT NULL, tokens_before INTEGER NOT NULL, tokens_after INTEGER NOT NULL, preview TEXT NOT NULL);`);
    const now = Date.now();
    db.run(
      `INSERT INTO requests (at, provider, path, status, tokens_before, tokens_after, latency_ms, retrievals, dollars_saved) VALUES (?, 'anthropic', '/v1/messages', 200, 10, 1, 1, 0, 0.5)`,
      [now],
    );
    for (const at of [now, now + 1]) db.run(`INSERT INTO items VALUES (1, ?, 'h1', 'Bash', 'log', 10, 1, 'p')`, [at]);
    db.run(`INSERT INTO items VALUES (1, ?, 'h2', 'Read', 'code', 20, 2, 'q')`, [now]);
    const file = join(tempDir(), 'store.sqlite');
    writeFileSync(file, db.export());
    db.close();
    const store = await CcrStore.open({ file });
    const stats = new StatsStore(store.database);
    assert.deepEqual((await stats.items()).items.map((i) => [i.hash, i.sends]).sort(), [
      ['h1', 2],
      ['h2', 1],
    ]);
    assert.equal((await stats.summary()).dollarsSaved, 0.5);
    assert.equal(await store.database.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'items'"), 0);
    await store.close();
  });
});

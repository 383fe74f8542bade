import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidShare, SharedContext } from '../../src/store/sharedContext';
import { bglLog } from '../helpers/corpora';
import { storeBackends } from '../helpers/storeBackends';
import { bigJson } from '../helpers/toolOutputs';

for (const backend of storeBackends())
  describe(`SharedContext (${backend.name})`, () => {
    it('puts compressed context under a key and gives back the compressed form or the original', async () => {
      const store = await backend.open();
      const shared = new SharedContext(store);
      const put = await shared.put('bgl', bglLog().text, { agent: 'claude-code', query: 'data TLB error' });
      assert.equal(put.deduplicated, false);
      assert.equal(put.kind, 'log');
      assert.ok(put.tokensAfter < put.tokensBefore / 4);
      assert.match(put.content, /data TLB error/);
      assert.equal((await shared.get('bgl'))?.content, put.content);
      assert.equal((await shared.get('bgl', { original: true }))?.content, bglLog().text);
      assert.equal((await store.retrieve(put.hash)).ok, true, 'the hash retrieves the original like any marker');
      assert.equal(await shared.get('nothing'), undefined);
      await store.close();
    });

    it('compresses identical content once, whoever puts it under whatever key, and keeps who did when', async () => {
      let now = 1_000;
      const store = await backend.open({ now: () => now });
      const shared = new SharedContext(store, () => now);
      await shared.put('records', bigJson(), { agent: 'claude-code' });
      now = 2_000;
      const again = await shared.put('rows', bigJson(), { agent: 'codex' });
      assert.equal(again.deduplicated, true);
      assert.deepEqual(again.provenance, [
        { agent: 'claude-code', key: 'records', at: 1_000 },
        { agent: 'codex', key: 'rows', at: 2_000 },
      ]);
      assert.deepEqual((await shared.get('records'))?.provenance, again.provenance, 'both keys name the same content');
      assert.deepEqual(
        (await shared.list()).map((e) => [e.key, e.agents]),
        [
          ['rows', ['claude-code', 'codex']],
          ['records', ['claude-code', 'codex']],
        ],
      );

      now = 3_000;
      const replaced = await shared.put('rows', bglLog().text, { agent: 'codex' });
      assert.equal(replaced.deduplicated, false, 'a key put again with new content points at the new content');
      assert.equal((await shared.get('rows'))?.kind, 'log');
      assert.equal((await shared.get('records'))?.kind, 'json');
      await store.close();
    });

    it('forgets an entry whose original expired from the store', async () => {
      let now = 0;
      const store = await backend.open({ now: () => now, ttlMs: 1_000 });
      const shared = new SharedContext(store, () => now);
      await shared.put('log', bglLog().text, { agent: 'a' });
      now = 5_000;
      assert.equal(await shared.get('log'), undefined);
      assert.deepEqual(await shared.list(), []);
      await store.close();
    });

    it('refuses an empty content, an empty key or agent, with messages that say what to change', async () => {
      const store = await backend.open();
      const shared = new SharedContext(store);
      await assert.rejects(
        shared.put('k', '', { agent: 'a' }),
        (e: unknown) => e instanceof InvalidShare && /content is empty/.test((e as Error).message),
      );
      await assert.rejects(shared.put(' ', 'x', { agent: 'a' }), /key must be a name of 1 to 200 characters/);
      await assert.rejects(shared.put('k', 'x', { agent: '' }), /agent must be a name/);
      await assert.rejects(shared.get('x'.repeat(201)), InvalidShare);
      await store.close();
    });
  });

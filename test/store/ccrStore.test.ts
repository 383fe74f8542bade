import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compressText } from '../../src/core/compressText';
import { markerHashes } from '../../src/core/marker';
import { CcrStore } from '../../src/store/ccrStore';
import { plantedRecords } from '../helpers/records';
import { storeBackends } from '../helpers/storeBackends';
import { tempDir } from '../helpers/tempDir';
import { bigLog } from '../helpers/toolOutputs';

const original = (hash: string, content: string) => ({ hash, content, kind: 'log' as const });

describe('CCR store (sql.js on disk)', () => {
  it('persists originals and memo across reopen, written atomically', async () => {
    const file = join(tempDir(), 'nested', 'store.sqlite');
    const store = await CcrStore.open({ file, debounceMs: 10 });
    const log = bigLog();
    const first = await compressText(log, { store });
    await store.close();
    assert.ok(existsSync(file));
    assert.deepEqual(
      readdirSync(join(file, '..')).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file left behind',
    );
    assert.equal(readFileSync(file).subarray(0, 15).toString(), 'SQLite format 3');

    const reopened = await CcrStore.open({ file });
    const again = await compressText(log, { store: reopened });
    assert.equal(again.cached, true);
    assert.equal(again.text, first.text);
    const outcome = await reopened.retrieve(markerHashes(first.text)[0]);
    assert.ok(outcome.ok);
    assert.equal(outcome.part.content, log);
    await reopened.close();
  });

  it('moves a corrupt file aside with a warning and starts fresh', async () => {
    const dir = tempDir();
    const file = join(dir, 'store.sqlite');
    writeFileSync(file, 'this is not a database '.repeat(100));
    const warnings: string[] = [];
    const store = await CcrStore.open({ file, onWarning: (m) => warnings.push(m) });
    assert.equal((await store.summary()).originals, 0);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /could not be read .* moved it to .*corrupt-/);
    assert.ok(readdirSync(dir).some((f) => f.startsWith('store.sqlite.corrupt-')));
    await store.putOriginal(original('a'.repeat(24), 'kept'));
    await store.close();
    const reopened = await CcrStore.open({ file });
    assert.equal((await reopened.summary()).originals, 1);
    await reopened.close();
  });
});

for (const backend of storeBackends())
  describe(`CCR store (${backend.name})`, () => {
    it('expires originals after the TTL and says so on retrieve', async () => {
      let now = 1_000_000;
      const store = await backend.open({ ttlMs: 1_000, now: () => now });
      await store.putOriginal(original('b'.repeat(24), 'old content'));
      now += 2_000;
      const outcome = await store.retrieve('b'.repeat(24));
      assert.equal(outcome.ok, false);
      assert.match(!outcome.ok ? outcome.error : '', /no longer stored \(expired/);
    });

    it('keeps a replayed compression and its originals alive, bringing their access time forward only once it has aged', async () => {
      let now = 1_000_000;
      const store = await backend.open({ ttlMs: 1_000, now: () => now });
      const hash = 'c'.repeat(24);
      await store.putOriginal(original(hash, 'kept content'));
      await store.putCompression(`${hash}:v`, {
        compressed: true,
        text: `x [headroom: y · retrieve hash=${hash}]`,
        kind: 'log',
        tokensBefore: 9,
        tokensAfter: 3,
        transforms: [],
        markerHashes: [hash],
      });
      const accessed = async () =>
        Number(await store.database.scalar('SELECT accessed_at FROM compressions WHERE key = ?', [`${hash}:v`]));
      now += 5;
      assert.ok(await store.getCompression(`${hash}:v`));
      assert.equal(await accessed(), 1_000_000, 'a read soon after is not a write');
      for (let step = 0; step < 4; step++) {
        now += 600;
        assert.ok(
          await store.getCompression(`${hash}:v`),
          `replayed at +${now - 1_000_000} ms, past the 1,000 ms TTL of the first write`,
        );
      }
      assert.ok((await accessed()) > 1_000_000);
      assert.equal((await store.retrieve(hash)).ok, true, 'the original its marker names stayed with it');
    });

    it('never replays a compression from memory once an original its markers name is gone', async () => {
      let now = 0;
      const store = await backend.open({ maxBytes: 250, now: () => ++now });
      const hash = '4'.repeat(24);
      await store.putOriginal(original(hash, 'w'.repeat(100)));
      const replay = {
        compressed: true,
        text: `w [headroom: 99 lines omitted · retrieve hash=${hash}]`,
        kind: 'log' as const,
        tokensBefore: 30,
        tokensAfter: 5,
        transforms: [],
        markerHashes: [hash],
      };
      await store.putCompression(`${hash}:v`, replay);
      assert.deepEqual(await store.getCompression(`${hash}:v`), replay, 'read once (embedded: now kept in memory too)');
      assert.deepEqual(await store.getCompression(`${hash}:v`), replay);
      // Two newer originals push it over the size cap.
      await store.putOriginal(original('5'.repeat(24), 'x'.repeat(100)));
      await store.putOriginal(original('6'.repeat(24), 'y'.repeat(100)));
      assert.equal(await store.getOriginal(hash), undefined, 'the original was evicted');
      assert.equal(await store.getCompression(`${hash}:v`), undefined, 'and its marker is not replayed any more');
    });

    it('evicts the least recently used originals over the size cap', async () => {
      let now = 0;
      const store = await backend.open({ maxBytes: 250, now: () => ++now });
      await store.putOriginal(original('1'.repeat(24), 'x'.repeat(100)));
      await store.putOriginal(original('2'.repeat(24), 'y'.repeat(100)));
      await store.getOriginal('1'.repeat(24));
      await store.putOriginal(original('3'.repeat(24), 'z'.repeat(100)));
      assert.ok(await store.getOriginal('1'.repeat(24)), 'recently used survives');
      assert.equal(await store.getOriginal('2'.repeat(24)), undefined, 'least recently used goes');
      assert.ok(await store.getOriginal('3'.repeat(24)));
      assert.ok((await store.summary()).bytes <= 250);
    });

    it('retrieves only the rows matching a query, and pages with offset and limit', async () => {
      const store = await backend.open();
      const { rows, needles } = plantedRecords(300);
      const result = await compressText(JSON.stringify(rows), { store });
      const hash = markerHashes(result.text)[0];
      const byQuery = await store.retrieve(hash, { query: 'user-zebra-42' });
      assert.ok(byQuery.ok);
      const matched = JSON.parse(byQuery.part.content) as Array<{ id: number }>;
      assert.deepEqual(
        matched.map((r) => r.id),
        [needles.query],
      );
      const page = await store.retrieve(hash, { offset: 10, limit: 5 });
      assert.ok(page.ok);
      assert.deepEqual(
        (JSON.parse(page.part.content) as Array<{ id: number }>).map((r) => r.id),
        [10, 11, 12, 13, 14],
      );
      assert.equal(page.part.total, 300);
      const logHash = (await compressText(bigLog(), { store })).hash;
      const lines = await store.retrieve(logHash, { query: 'data TLB error interrupt', limit: 3 });
      assert.ok(lines.ok);
      assert.equal(lines.part.unit, 'lines');
      assert.equal(lines.part.returned, 3);
      assert.ok(lines.part.content.split('\n').every((l) => l.includes('data TLB error interrupt')));
    });

    it('answers an unknown or malformed hash with a message, not an exception', async () => {
      const store = await backend.open();
      const unknown = await store.retrieve('f'.repeat(24));
      assert.equal(unknown.ok, false);
      assert.match(!unknown.ok ? unknown.error : '', /No original is stored for hash f{24}/);
      const malformed = await store.retrieve('not a hash; DROP TABLE originals');
      assert.equal(malformed.ok, false);
      assert.match(!malformed.ok ? malformed.error : '', /is not a Headroom hash/);
    });
  });

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentHash } from '../../src/core/hash';
import { MemoryStore } from '../../src/core/memoryStore';
import { answerRetrieve } from '../../src/core/retrieveAnswer';

describe('answering a retrieve call', () => {
  it('says in one line that nothing matched and returns the start of the original instead', async () => {
    const store = new MemoryStore();
    const content = Array.from(
      { length: 900 },
      (_, i) => `2026-11-26 10:00:${String(i % 60).padStart(2, '0')} INFO worker ${i} processed a batch`,
    ).join('\n');
    const hash = contentHash(content);
    store.putOriginal({ hash, content, kind: 'log' });
    const answer = await answerRetrieve({ hash, query: 'kerberos ticket expired' }, store);
    assert.equal(answer.isError, false);
    const [header, ...lines] = answer.content.split('\n');
    assert.equal(
      header,
      `[headroom: nothing in original ${hash} matches "kerberos ticket expired"; its first 400 of 900 lines follow; more with offset=400]`,
    );
    assert.deepEqual(lines, content.split('\n').slice(0, 400));
    const matched = await answerRetrieve({ hash, query: 'worker 817' }, store);
    assert.match(matched.content, /^\[headroom: original [0-9a-f]{24}: lines 1–\d+ of the \d+ matching "worker 817"/);
  });
});

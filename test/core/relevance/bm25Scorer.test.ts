import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bm25Scorer } from '../../../src/core/relevance/bm25Scorer';
import { hybridScorer } from '../../../src/core/relevance/hybridScorer';
import { terms } from '../../../src/core/relevance/terms';
import type { RelevanceScorer } from '../../../src/core/types';

describe('relevance', () => {
  it('ranks the document that shares the rare query terms first', async () => {
    const docs = [
      'the build passed on linux',
      'the build passed on mac',
      'payment webhook retries exhausted',
      'the build passed on windows',
    ];
    const scores = await bm25Scorer.score('why are webhook retries failing', docs);
    assert.equal(scores.indexOf(Math.max(...scores)), 2);
    assert.equal(scores[0], 0);
  });

  it("falls back to a lexical scorer below wink-bm25's three-document minimum", async () => {
    const scores = await bm25Scorer.score('invoice total', ['shipping address', 'invoice total mismatch']);
    assert.ok(scores[1] > 0 && scores[0] === 0);
  });

  it('splits identifiers so a query in words finds camelCase and snake_case', () => {
    assert.ok(terms('getUserById').includes('user'));
    assert.ok(terms('max_retry_count').includes('retry'));
  });

  it('returns zeros for an empty query', async () => {
    assert.deepEqual(await bm25Scorer.score('  ', ['a b', 'c d', 'e f']), [0, 0, 0]);
  });

  it('hybrid scoring normalises each scorer before weighting', async () => {
    const big: RelevanceScorer = { name: 'big', score: (_q, d) => d.map((_, i) => (i === 0 ? 1000 : 0)) };
    const small: RelevanceScorer = { name: 'small', score: (_q, d) => d.map((_, i) => (i === 1 ? 1 : 0)) };
    const scores = await hybridScorer([
      { scorer: big, weight: 0.4 },
      { scorer: small, weight: 0.6 },
    ]).score('q', ['a', 'b']);
    assert.deepEqual(scores, [0.4, 0.6]);
  });
});

describe('exact identifiers', () => {
  it('puts a document holding the queried identifier verbatim far ahead of ones sharing its parts', async () => {
    const docs = ['user-1042 logged in', 'user-42 logged out', 'user-zebra-42 was throttled', 'user-9 idle'];
    const scores = await bm25Scorer.score('what happened to user-zebra-42?', docs);
    const [best, ...rest] = [...scores].sort((a, b) => b - a);
    assert.equal(scores.indexOf(best), 2);
    assert.ok(rest.every((s) => s < best / 2));
  });
});

describe('large inputs', () => {
  it("scores above wink's full-index limit within 3% of a full wink index, tokenizing only documents with a rare query term", async () => {
    const { default: bm25 } = await import('wink-bm25-text-search');
    const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'timeout', 'retry', 'socket', 'user', 'billing'];
    const docs = Array.from(
      { length: 5_000 },
      (_, i) =>
        Array.from({ length: 5 + (i % 11) }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' ') + ` item${i}`,
    );
    docs[1234] += ' zebra timeout';
    docs[4321] += ' zebra';
    const query = 'zebra socket timeout';
    const ours = await bm25Scorer.score(query, docs);

    const full = bm25();
    full.defineConfig({ fldWeights: { body: 1 } });
    full.definePrepTasks([terms]);
    docs.forEach((doc, i) => full.addDoc({ body: doc }, i));
    full.consolidate();
    const exact = docs.map(() => 0);
    for (const [id, score] of full.search(terms(query).join(' '), docs.length)) exact[Number(id)] = score;

    const rank = (scores: number[]) => [...scores.keys()].sort((a, b) => scores[b] - scores[a] || a - b);
    assert.deepEqual(rank(ours).slice(0, 2), [1234, 4321]);
    assert.deepEqual(rank(exact).slice(0, 2), [1234, 4321]);
    const top = Math.max(...exact);
    const worst = Math.max(...ours.map((score, i) => Math.abs(score - exact[i])));
    assert.ok(
      worst <= top * 0.03,
      `largest score difference ${worst.toFixed(3)} against a best score of ${top.toFixed(3)}`,
    );
  });

  it('counts a rare query term only where it is a whole term, not inside a longer word', async () => {
    const docs = Array.from({ length: 600 }, (_, i) => `worker ${i} finished batch ${i % 7}`);
    docs[10] = 'worker 10 failed over to the standby';
    docs[20] = 'worker 20 failed twice';
    docs[30] = 'worker 30 fail reported by probe';
    const scores = await bm25Scorer.score('fail', docs);
    assert.ok(scores[30] > 0);
    assert.equal(scores[10], 0);
    assert.equal(scores[20], 0);
  });
});

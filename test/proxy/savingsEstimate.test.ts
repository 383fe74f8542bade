import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateSavings } from '../../src/proxy/savingsEstimate';
import type { ProviderUsage } from '../../src/proxy/usageObserver';

// Claude Sonnet 4.5 list prices per million tokens: input $3, 5-minute cache write $3.75, 1-hour write $6, cache read $0.30, output $15.
const M = 1_000_000;
const usage = (u: Partial<ProviderUsage>): ProviderUsage => ({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  cacheWrite1h: 0,
  ...u,
});
const close = (actual: number | undefined, expected: number) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

describe("the savings of one request, from the provider's usage", () => {
  it('prices a replayed output as cache reads and a new one as cache writes, less the retrieve tool', () => {
    const savings = estimateSavings(
      'claude-sonnet-4-5',
      usage({ input: 100, cacheRead: 10_000, cacheWrite: 2_000, output: 50 }),
      [
        { tokensSaved: 1_000, replay: true },
        { tokensSaved: 500, replay: false },
      ],
      200,
    );
    close(savings?.gross, (1_000 * 0.3 + 500 * 3.75) / M);
    close(savings?.retrieveTool, (200 * 0.3) / M);
    close(savings?.retrieval, 0);
    close(savings?.net, (1_000 * 0.3 + 500 * 3.75 - 200 * 0.3) / M);
  });

  it('counts the rounds after the first as the cost of retrieval, and prices the first round alone', () => {
    const round2 = usage({ input: 50, cacheRead: 11_000, output: 40 });
    const total = usage({ input: 150, cacheRead: 21_000, cacheWrite: 2_000, output: 90, laterRounds: [round2] });
    const savings = estimateSavings('claude-sonnet-4-5', total, [{ tokensSaved: 1_000, replay: true }], 0);
    close(savings?.gross, (1_000 * 0.3) / M);
    close(savings?.retrieval, (50 * 3 + 11_000 * 0.3 + 40 * 15) / M);
    close(savings?.net, (1_000 * 0.3 - (50 * 3 + 11_000 * 0.3 + 40 * 15)) / M);
  });

  it('prices at the write rate when the cache had expired, at the plain rate with no cache, at the hour rate for 1-hour writes', () => {
    close(
      estimateSavings(
        'claude-sonnet-4-5',
        usage({ input: 10, cacheWrite: 5_000 }),
        [{ tokensSaved: 1_000, replay: true }],
        0,
      )?.gross,
      (1_000 * 3.75) / M,
    );
    close(
      estimateSavings('claude-sonnet-4-5', usage({ input: 5_000 }), [{ tokensSaved: 1_000, replay: false }], 0)?.gross,
      (1_000 * 3) / M,
    );
    close(
      estimateSavings(
        'claude-sonnet-4-5',
        usage({ input: 10, cacheWrite: 5_000, cacheWrite1h: 5_000 }),
        [{ tokensSaved: 1_000, replay: false }],
        0,
      )?.gross,
      (1_000 * 6) / M,
    );
  });

  it("gives no figure for a model no price is known for, rather than another model's", () => {
    assert.equal(
      estimateSavings('my-local-model', usage({ input: 5_000 }), [{ tokensSaved: 1_000, replay: false }], 0),
      undefined,
    );
    assert.equal(estimateSavings(undefined, usage({ input: 5_000 }), [], 0), undefined);
  });
});

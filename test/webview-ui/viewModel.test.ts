import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatsResponse } from '../../src/proxy/api';
import { itemView, relativeTime, relevanceLabel, tiles, timeline } from '../../webview-ui/src/viewModel';

const HOUR = 3_600_000;

function stats(overrides: Partial<StatsResponse['allTime']> = {}): StatsResponse {
  return {
    compression: true,
    session: {
      requests: 3,
      compressedRequests: 2,
      tokensBefore: 40_000,
      tokensAfter: 4_000,
      compressedItems: 2,
      retrievals: 1,
      failures: 0,
      checkpoints: 0,
      tokensSaved: 36_000,
      since: 0,
    },
    allTime: {
      requests: 10,
      compressedItems: 8,
      tokensBefore: 1_500_000,
      tokensAfter: 300_000,
      tokensSaved: 1_200_000,
      compression: 0.8,
      dollarsSaved: 3.6,
      dollarsGross: 4.1,
      retrieveToolDollars: 0.3,
      retrievalDollars: 0.2,
      unpricedRequests: 0,
      checkpoints: 0,
      pricesAsOf: '@pydantic/genai-prices',
      tokenCounts: 'estimates',
      cacheHitRate: 0.71,
      retrievals: 4,
      failures: 0,
      ...overrides,
    },
    series: { bucket: 'hour', points: [] },
    byKind: [],
    byTool: [],
    lastError: null,
    store: { originals: 8, bytes: 1000, compressions: 8 },
    relevance: { mode: 'bm25', reason: 'no embedding model is configured' },
  };
}

describe('panel view model', () => {
  it('tiles show all-time savings with the session beside them', () => {
    const byId = Object.fromEntries(tiles(stats()).map((tile) => [tile.id, tile]));
    assert.equal(byId['tokens-saved'].value, '1.2M');
    assert.equal(byId['tokens-saved'].detail, '36K this session');
    assert.equal(byId['dollars-saved'].value, '$3.60');
    assert.match(
      byId['dollars-saved'].detail,
      /^\$4\.10 saved, less \$0\.30 for the retrieve tool and \$0\.20 for retrievals, with the prompt cache counted/,
    );
    assert.match(byId['dollars-saved'].detail, /Token counts are estimates\.$/);
    assert.equal(byId.compression.value, '80%');
    assert.equal(byId['cache-hit-rate'].value, '71%');
    assert.equal(byId.retrievals.value, '4');
  });

  it('says how many requests the dollars leave out for want of a price', () => {
    const dollars = tiles(stats({ unpricedRequests: 2 })).find((tile) => tile.id === 'dollars-saved');
    assert.match(dollars?.detail ?? '', /; 2 requests to models with no known price not counted\./);
  });

  it('says which relevance ranks what is kept, and why it is BM25 alone', () => {
    assert.equal(
      relevanceLabel({ mode: 'bm25', reason: 'no embedding model is configured' }),
      'Relevance: BM25 only (no embedding model is configured)',
    );
    assert.equal(
      relevanceLabel({ mode: 'hybrid', embeddingWeight: 0.5, budgetMs: 100 }),
      'Relevance: BM25 and embeddings (weight 0.5, 100 ms budget)',
    );
  });

  it('says there is no cache report yet instead of showing 0%', () => {
    const cache = tiles(stats({ cacheHitRate: null })).find((tile) => tile.id === 'cache-hit-rate');
    assert.equal(cache?.value, '—');
    assert.match(cache?.detail ?? '', /no provider report/);
  });

  it('the timeline has one bar per hour for the last day, empty hours as zero', () => {
    const now = Date.UTC(2026, 10, 24, 15, 30);
    const thisHour = Date.UTC(2026, 10, 24, 15);
    const series = timeline(
      [
        { start: thisHour - 2 * HOUR, tokensSent: 100, tokensSaved: 900, requests: 1 },
        { start: thisHour, tokensSent: 50, tokensSaved: 450, requests: 2 },
      ],
      'hour',
      now,
      'UTC',
    );
    assert.equal(series.labels.length, 24);
    assert.equal(series.labels.at(-1), '15:00');
    assert.deepEqual(series.saved.slice(-3), [900, 0, 450]);
    assert.deepEqual(series.sent.slice(-3), [100, 0, 50]);
    assert.equal(
      series.saved.slice(0, -3).every((v) => v === 0),
      true,
    );
  });

  it('the daily timeline spans 30 days with dates as labels', () => {
    const now = Date.UTC(2026, 10, 24, 15, 30);
    const series = timeline(
      [{ start: Date.UTC(2026, 10, 24), tokensSent: 1, tokensSaved: 2, requests: 1 }],
      'day',
      now,
      'UTC',
    );
    assert.equal(series.labels.length, 30);
    assert.equal(series.labels.at(-1), 'Nov 24');
    assert.equal(series.saved.at(-1), 2);
  });

  it('items read as before → after with the share saved, and a one-line preview', () => {
    const view = itemView(
      {
        at: 1_000,
        hash: 'ab',
        tool: 'Bash',
        kind: 'log',
        tokensBefore: 12_000,
        tokensAfter: 600,
        preview: 'line one\n  line two',
      },
      1_000 + 5 * 60_000,
    );
    assert.deepEqual(view, {
      hash: 'ab',
      kind: 'log',
      time: '5 min ago',
      tool: 'Bash',
      tokens: '12K → 600',
      saved: '95%',
      preview: 'line one line two',
    });
    assert.equal(relativeTime(0, 3 * 24 * HOUR), '3 d ago');
    assert.equal(relativeTime(0, 10_000), 'just now');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusView } from '../../src/extension/statusText';
import type { StatsResponse } from '../../src/proxy/api';

const stats = (compression: boolean, tokensSaved: number, lastError: string | null = null): StatsResponse => ({
  compression,
  session: {
    requests: 2,
    compressedRequests: 2,
    tokensBefore: 20_000,
    tokensAfter: 2_000,
    compressedItems: 2,
    retrievals: 0,
    failures: 0,
    checkpoints: 0,
    tokensSaved: 18_000,
    since: 0,
  },
  allTime: {
    requests: 9,
    compressedItems: 9,
    tokensBefore: tokensSaved * 2,
    tokensAfter: tokensSaved,
    tokensSaved,
    compression: tokensSaved ? 0.5 : 0,
    dollarsSaved: 1.25,
    dollarsGross: 1.5,
    retrieveToolDollars: 0.15,
    retrievalDollars: 0.1,
    unpricedRequests: 0,
    checkpoints: 0,
    pricesAsOf: '@pydantic/genai-prices',
    tokenCounts: 'estimates',
    cacheHitRate: null,
    retrievals: 0,
    failures: 0,
  },
  series: { bucket: 'hour', points: [] },
  byKind: [],
  byTool: [],
  relevance: { mode: 'bm25', reason: 'no embedding model is configured' },
  lastError,
  store: { originals: 0, bytes: 0, compressions: 0 },
});

const running = { state: 'running', url: 'http://127.0.0.1:8787', apiToken: 't', owned: true } as const;

describe('status bar view', () => {
  it('shows compression share and tokens saved while compressing', () => {
    const view = statusView(running, stats(true, 1_234_567));
    assert.equal(view.text, '$(zap) Headroom 50% · 1.2M saved');
    assert.match(view.tooltip, /port 8787/);
    assert.match(view.tooltip, /This session: 18K tokens saved of 20K \(2 requests\)/);
    assert.match(view.tooltip, /about \$1\.25/);
    assert.match(view.tooltip, /Prompt-cache hit rate: no reports yet/);
  });

  it('shows "off" when compression is off, and no figures before anything was saved', () => {
    assert.equal(statusView(running, stats(false, 500)).text, '$(circle-slash) Headroom off');
    assert.equal(statusView(running, stats(true, 0)).text, '$(zap) Headroom');
  });

  it("names a team's proxy, says its operator switches compression, and that the figures are the team's", () => {
    const team = {
      state: 'running',
      url: 'https://headroom.team.internal',
      apiToken: 'hrt_x',
      owned: false,
      team: true,
    } as const;
    const view = statusView(team, stats(true, 5_000));
    assert.match(view.tooltip, /The team's proxy at https:\/\/headroom\.team\.internal/);
    assert.match(view.tooltip, /operator switches it/);
    assert.match(view.tooltip, /All time, the whole team:/);
    assert.doesNotMatch(view.tooltip, /click to turn off|· port \d/);
  });

  it('escapes the last error so it cannot inject links into the trusted tooltip', () => {
    const view = statusView(running, stats(true, 10, 'upstream said [click](command:evil)'));
    assert.match(view.tooltip, /Last error: upstream said \\\[click\\\]\\\(command:evil\\\)/);
  });

  it('marks a failed proxy as an error and a restarting one as a warning', () => {
    const failed = statusView({ state: 'failed', error: 'Port 8787 is in use' }, undefined);
    assert.equal(failed.severity, 'error');
    assert.match(failed.tooltip, /Port 8787 is in use/);
    assert.equal(statusView({ state: 'restarting', error: 'x', retryInMs: 2_000 }, undefined).severity, 'warning');
    assert.match(
      statusView({ state: 'running', url: 'http://127.0.0.1:9000', apiToken: 't', owned: false }, undefined).tooltip,
      /started by another window/,
    );
  });
});

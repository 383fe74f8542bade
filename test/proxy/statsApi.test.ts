import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { apiTokenHeader, httpRequest } from '../helpers/http';
import { proxyHarness } from '../helpers/proxyHarness';
import { bigJson, bigLog } from '../helpers/toolOutputs';

const headers = {
  'content-type': 'application/json',
  'x-api-key': 'sk-ant-stats-test',
  'anthropic-version': '2023-06-01',
};

function body(stream: boolean, output: string): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-5-20250929',
    max_tokens: 64,
    stream,
    messages: [
      { role: 'user', content: 'What failed?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: output }] },
    ],
  });
}

interface Stats {
  allTime: {
    requests: number;
    compressedItems: number;
    tokensSaved: number;
    dollarsSaved: number;
    cacheHitRate: number | null;
    pricesAsOf: string;
  };
  series: { bucket: string; points: Array<{ tokensSaved: number; requests: number }> };
  byKind: Array<{ key: string; tokensSaved: number }>;
  byTool: Array<{ key: string }>;
}

describe('proxy: stats, items and live events', () => {
  const h = proxyHarness();

  it('tells listeners of each finished request as it happens', async () => {
    const received = new Promise<Record<string, unknown>>((resolve, reject) => {
      const events = request(`${h.proxy.url}/headroom/events`, { headers: apiTokenHeader(h.proxy) }, (res) => {
        let buffer = '';
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          const match = /event: request\ndata: (.*)\n\n/.exec(buffer);
          if (match) {
            events.destroy();
            resolve(JSON.parse(match[1]) as Record<string, unknown>);
          }
        });
        res.once('data', () => void httpRequest(`${h.proxy.url}/v1/messages`, { headers, body: body(true, bigLog()) }));
      });
      events.on('error', (error) => (error.message.includes('aborted') ? undefined : reject(error)));
      events.end();
    });
    const record = await received;
    assert.equal(record.provider, 'anthropic');
    assert.equal(record.model, 'claude-fake', 'the model the provider reported');
    assert.equal(record.inputTokens, 1200);
    assert.equal(record.outputTokens, 3);
    assert.ok((record.tokensBefore as number) > (record.tokensAfter as number));
    assert.equal(record.items, 1);
  });

  it('persists requests and serves totals, a time series, savings by kind and tool, and dollars saved', async () => {
    await httpRequest(`${h.proxy.url}/v1/messages`, { headers, body: body(false, bigJson()) });
    const stats = JSON.parse(
      (await httpRequest(`${h.proxy.url}/headroom/stats`, { headers: apiTokenHeader(h.proxy) })).body.toString(),
    ) as Stats;
    assert.ok(stats.allTime.requests >= 2);
    assert.ok(stats.allTime.compressedItems >= 2);
    assert.ok(stats.allTime.tokensSaved > 10_000);
    assert.ok(stats.allTime.dollarsSaved > 0);
    assert.equal(stats.allTime.cacheHitRate, 0, 'the fake upstream reports no cache reads');
    assert.equal(stats.allTime.pricesAsOf, '@pydantic/genai-prices');
    assert.equal(stats.series.bucket, 'hour');
    assert.equal(
      stats.series.points.reduce((sum, p) => sum + p.tokensSaved, 0),
      stats.allTime.tokensSaved,
    );
    assert.deepEqual(stats.byKind.map((k) => k.key).sort(), ['json', 'log']);
    assert.deepEqual(
      stats.byTool.map((t) => t.key),
      ['Bash'],
    );
    const daily = JSON.parse(
      (
        await httpRequest(`${h.proxy.url}/headroom/stats?bucket=day`, { headers: apiTokenHeader(h.proxy) })
      ).body.toString(),
    ) as Stats;
    assert.equal(daily.series.bucket, 'day');
  });

  it('lists compressed items, newest first, with search and paging, and serves their originals', async () => {
    const all = JSON.parse(
      (await httpRequest(`${h.proxy.url}/headroom/items`, { headers: apiTokenHeader(h.proxy) })).body.toString(),
    ) as {
      total: number;
      items: Array<{ hash: string; kind: string; preview: string; tool: string }>;
    };
    assert.ok(all.total >= 2);
    assert.equal(all.items[0].kind, 'json', 'newest first');
    assert.equal(all.items[0].tool, 'Bash');
    const logs = JSON.parse(
      (
        await httpRequest(`${h.proxy.url}/headroom/items?kind=log&limit=1`, { headers: apiTokenHeader(h.proxy) })
      ).body.toString(),
    ) as typeof all;
    assert.equal(logs.items.length, 1);
    assert.equal(logs.items[0].kind, 'log');
    assert.ok(bigLog().startsWith(logs.items[0].preview));
    const searched = JSON.parse(
      (
        await httpRequest(`${h.proxy.url}/headroom/items?search=${encodeURIComponent('"region"')}`, {
          headers: apiTokenHeader(h.proxy),
        })
      ).body.toString(),
    ) as typeof all;
    assert.deepEqual(
      searched.items.map((i) => i.kind),
      ['json'],
    );
    const original = await httpRequest(`${h.proxy.url}/headroom/items/${logs.items[0].hash}`, {
      headers: apiTokenHeader(h.proxy),
    });
    assert.equal(original.body.toString(), bigLog());
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatsFeed } from '../../src/extension/statsFeed';
import type { RequestEvent, StatsResponse } from '../../src/proxy/api';
import { httpRequest } from '../helpers/http';
import { proxyHarness } from '../helpers/proxyHarness';
import { bigLog } from '../helpers/toolOutputs';

describe("StatsFeed (a real proxy's event stream and stats)", () => {
  const harness = proxyHarness();

  it('announces each finished request and fetches the stats again', async () => {
    const feed = new StatsFeed();
    const first = new Promise<StatsResponse>((resolve) => feed.once('stats', resolve));
    feed.connect(harness.proxy.url, harness.proxy.apiToken);
    assert.equal((await first).session.requests, 0);
    const event = new Promise<RequestEvent>((resolve) => feed.once('request', resolve));
    const updated = new Promise<StatsResponse>((resolve) => {
      const onStats = (stats: StatsResponse) => {
        if (stats.session.requests === 0) return;
        feed.off('stats', onStats);
        resolve(stats);
      };
      feed.on('stats', onStats);
    });
    await httpRequest(`${harness.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: bigLog() }] }],
      }),
    });
    assert.equal((await event).items, 1);
    const stats = await updated;
    assert.ok(stats.session.tokensSaved > 0);
    assert.equal(feed.latest, stats);
    feed.disconnect();
  });
});

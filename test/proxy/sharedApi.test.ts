import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoopbackClient, LoopbackError } from '../../src/proxy/loopbackClient';
import { bglLog } from '../helpers/corpora';
import { apiTokenHeader } from '../helpers/http';
import { proxyHarness } from '../helpers/proxyHarness';

describe('shared context over the loopback API', () => {
  const harness = proxyHarness();

  it('puts, deduplicates, lists and gets through the running proxy', async () => {
    const client = new LoopbackClient(harness.proxy.url, harness.proxy.apiToken);
    const first = await client.share({ key: 'build log', content: bglLog().text, agent: 'claude-code' });
    const second = await client.share({ key: 'same log', content: bglLog().text, agent: 'codex' });
    assert.equal(first.deduplicated, false);
    assert.equal(second.deduplicated, true);
    assert.equal((await client.shared('build log', { original: true }))?.content, bglLog().text);
    assert.equal((await client.shared('build log'))?.content, first.content);
    assert.equal(await client.shared('missing'), undefined);
    assert.deepEqual((await client.sharedList()).map((e) => e.key).sort(), ['build log', 'same log']);
  });

  it('answers a bad put with 400 and the reason', async () => {
    const client = new LoopbackClient(harness.proxy.url, harness.proxy.apiToken);
    await assert.rejects(
      client.share({ key: 'k', content: '', agent: 'a' }),
      (e: unknown) => e instanceof LoopbackError && e.status === 400 && /content is empty/.test(e.message),
    );
    const response = await fetch(`${harness.proxy.url}/headroom/shared/k`, {
      method: 'PUT',
      headers: { ...apiTokenHeader(harness.proxy), 'content-type': 'application/json' },
      body: '{"content": 5}',
    });
    assert.equal(response.status, 400);
  });
});

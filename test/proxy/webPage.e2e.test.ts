import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { permissiveUpstream } from '../helpers/permissiveUpstream';
import { proxyHarness } from '../helpers/proxyHarness';
import { bigLog } from '../helpers/toolOutputs';

/**
 * A real web page in a real browser tries what SECURITY.md says no page can do: send
 * conversations to the model routes (which would evict the user's originals and spend their
 * credit), read an answer through CORS, read the loopback API.
 */
describe('security: a web page in Chromium', () => {
  const h = proxyHarness({ upstream: permissiveUpstream });
  let browser: Browser;
  const page = createServer((_req, res) => res.end('<!doctype html><title>a page</title>'));

  before(async () => {
    browser = await launchChromium();
    await new Promise<void>((done) => page.listen(0, '127.0.0.1', done));
  });
  after(async () => {
    await browser.close();
    await new Promise((done) => page.close(done));
  });

  it('cannot reach the model routes or the API, nor read any answer', async () => {
    const tab = await browser.newPage();
    // Another origin on the same machine: a page served on another port.
    await tab.goto(`http://127.0.0.1:${(page.address() as AddressInfo).port}/`);
    const conversation = JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 16,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: bigLog() }] },
      ],
    });
    const outcome = await tab.evaluate(
      async ({ proxy, body }) => {
        const noCors = await Promise.allSettled(
          Array.from({ length: 40 }, () =>
            fetch(`${proxy}/v1/messages`, {
              method: 'POST',
              mode: 'no-cors',
              body,
              headers: { 'content-type': 'text/plain' },
            }),
          ),
        );
        const read = async (path: string, init?: RequestInit) => {
          try {
            const answer = await fetch(`${proxy}${path}`, init);
            return `read ${answer.status}: ${(await answer.text()).slice(0, 80)}`;
          } catch (error) {
            return `refused: ${String(error)}`;
          }
        };
        return {
          noCorsSent: noCors.filter((r) => r.status === 'fulfilled').length,
          chat: await read('/v1/chat/completions', {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
            body: JSON.stringify({ model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }] }),
          }),
          models: await read('/v1/models'),
          items: await read('/headroom/items'),
          toggle: await read('/headroom/toggle', { method: 'POST', body: '{"enabled":false}' }),
        };
      },
      { proxy: h.proxy.url, body: conversation },
    );
    assert.equal(outcome.noCorsSent, 40, 'the browser did send the no-cors requests (opaque answers)');
    for (const name of ['chat', 'models', 'items', 'toggle'] as const)
      assert.match(outcome[name], /^refused: TypeError/, `${name}: ${outcome[name]}`);
    assert.equal(h.upstream.requests.length, 0, 'nothing reached the upstream');
    assert.equal((await h.store.summary()).originals, 0, 'nothing was stored, so nothing of the user was evicted');
    assert.equal(h.proxy.state.compressionEnabled, true, 'the page could not turn compression off');
  });
});

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { LoopbackClient, LoopbackError } from '../../src/proxy/loopbackClient';
import { apiTokenHeader, httpRequest } from '../helpers/http';
import { proxyHarness } from '../helpers/proxyHarness';

describe("the loopback API's schemas", () => {
  const h = proxyHarness();
  const post = (path: string, body: unknown, method = 'POST') =>
    httpRequest(`${h.proxy.url}${path}`, {
      method,
      headers: { ...apiTokenHeader(h.proxy), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers a body that does not fit with 400, naming the field and what it should be', async () => {
    for (const [path, body, method, field] of [
      ['/headroom/compress', { content: 42 }, 'POST', 'content'],
      ['/headroom/compress', { content: 'x', kind: 'spreadsheet' }, 'POST', 'kind'],
      ['/headroom/toggle', { enabled: 'yes' }, 'POST', 'enabled'],
      ['/headroom/shared/build', { content: 'x' }, 'PUT', 'agent'],
    ] as const) {
      const answer = await post(path, body, method);
      assert.equal(answer.status, 400, path);
      const { error } = JSON.parse(answer.body.toString()) as { error: string };
      assert.match(error, new RegExp(`takes \\{.*\\(${field}: `), `${path}: ${error}`);
    }
    const client = new LoopbackClient(h.proxy.url, h.proxy.apiToken);
    assert.equal((await client.toggle(true)).compression, true, 'a body that fits still works');
  });

  it('reads every answer through its schema, and names what does not fit', async () => {
    const client = new LoopbackClient(h.proxy.url, h.proxy.apiToken);
    const stats = await client.stats();
    assert.equal(typeof stats.allTime.dollarsSaved, 'number');
    const compressed = await client.compress({ content: 'short', tool: 'test' });
    assert.equal(compressed.compressed, false);

    const stale = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, engineVersion: '3', compression: true }));
    });
    await new Promise<void>((resolve) => stale.listen(0, '127.0.0.1', resolve));
    try {
      const old = new LoopbackClient(`http://127.0.0.1:${(stale.address() as AddressInfo).port}`);
      await assert.rejects(
        () => old.health(),
        (error: unknown) =>
          error instanceof LoopbackError && /does not read \(engineVersion: .*; uptimeMs: /.test(error.message),
      );
    } finally {
      stale.close();
    }
  });
});

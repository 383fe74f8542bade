import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { LoopbackClient } from '../../src/proxy/loopbackClient';
import { startProxy, type RunningProxy } from '../../src/proxy/server';
import { CompressionThread } from '../../src/proxy/worker/compressionThread';
import { apiTokenHeader, httpRequest } from '../helpers/http';
import { API_TOKEN_HEADER } from '../../src/proxy/apiToken';
import { permissiveUpstream } from '../helpers/permissiveUpstream';
import { proxyHarness } from '../helpers/proxyHarness';
import { bigLog } from '../helpers/toolOutputs';
import { zstdRleFrame } from '../helpers/zstdFrame';

/** Each line of SECURITY.md's threat model has its tests here, under the same heading. */

const anthropicHeaders = { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };

function conversation(toolOutput = bigLog()): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 64,
    messages: [
      { role: 'user', content: 'Why did the nodes fail?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'cat x' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: toolOutput }] },
    ],
  });
}

describe('security: local web pages', () => {
  const h = proxyHarness({ upstream: permissiveUpstream });

  it('refuses requests whose Host is not localhost (DNS rebinding)', async () => {
    const port = h.proxy.port;
    const evil = await httpRequest(`${h.proxy.url}/headroom/health`, { headers: { host: `evil.example:${port}` } });
    assert.equal(evil.status, 403);
    const fine = await httpRequest(`${h.proxy.url}/headroom/health`, { headers: { host: `localhost:${port}` } });
    assert.equal(fine.status, 200);
  });

  it('refuses what a browser marks as its own on every route, model routes included, and forwards none of it', async () => {
    const before = h.upstream.requests.length;
    const marks = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-dest': 'empty' },
    ];
    const routes: Array<[string, string]> = [
      ['POST', '/v1/messages'],
      ['POST', '/v1/chat/completions'],
      ['POST', '/v1/responses'],
      ['POST', '/v1beta/models/gemini-2.5-pro:generateContent'],
      ['GET', '/v1/models'],
      ['GET', '/headroom/stats'],
      ['GET', '/headroom/items'],
      ['POST', '/headroom/toggle'],
    ];
    for (const [method, path] of routes)
      for (const mark of marks) {
        const body = method === 'POST' ? conversation() : undefined;
        const answer = await httpRequest(`${h.proxy.url}${path}`, {
          method,
          headers: { ...anthropicHeaders, ...mark },
          body,
        });
        assert.equal(answer.status, 403, `${method} ${path} with ${JSON.stringify(mark)}`);
        assert.match(answer.body.toString(), /web pages/);
      }
    assert.equal(h.upstream.requests.length, before, 'nothing reached the upstream');
    assert.equal((await h.store.summary()).originals, 0, 'nothing was stored (nor anything evicted)');
  });

  it("refuses the content types a page may POST without a preflight, and takes node's fetch, which marks only Sec-Fetch-Mode", async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'Text/Plain;charset=UTF-8',
    ]) {
      const answer = await httpRequest(`${h.proxy.url}/v1/messages`, {
        headers: { ...anthropicHeaders, 'content-type': type },
        body: conversation(),
      });
      assert.equal(answer.status, 403, type);
      assert.match(answer.body.toString(), /application\/json/);
    }
    const health = await fetch(`${h.proxy.url}/headroom/health`);
    assert.equal(health.status, 200);
    const answer = await fetch(`${h.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: anthropicHeaders,
      body: conversation(),
    });
    assert.equal(answer.status, 200);
  });

  it('answers preflights itself, with no CORS header, and forwards none', async () => {
    const before = h.upstream.requests.length;
    for (const path of ['/v1/messages', '/v1/chat/completions', '/headroom/stats', '/anything']) {
      const answer = await httpRequest(`${h.proxy.url}${path}`, {
        method: 'OPTIONS',
        headers: { 'access-control-request-method': 'POST' },
      });
      assert.equal(answer.status, 204, path);
      assert.deepEqual(corsHeaders(answer.headers), {}, path);
    }
    assert.equal(h.upstream.requests.length, before);
  });

  it("never relays an upstream's CORS headers, on compressed and passed-through requests alike", async () => {
    const compressed = await httpRequest(`${h.proxy.url}/v1/messages`, {
      headers: anthropicHeaders,
      body: conversation(),
    });
    const passed = await httpRequest(`${h.proxy.url}/v1/models`, { headers: anthropicHeaders });
    const streamedOff = await httpRequest(`${h.proxy.url}/v1/messages/count_tokens`, {
      headers: anthropicHeaders,
      body: conversation(),
    });
    for (const answer of [compressed, passed, streamedOff]) {
      assert.equal(answer.status, 200);
      assert.deepEqual(corsHeaders(answer.headers), {});
    }
    assert.ok(h.upstream.requests.length >= 3, 'the upstream did answer, with its CORS headers');
  });
});

const corsHeaders = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('access-control-')));

describe('security: crafted bodies and paths', () => {
  const h = proxyHarness({ upstream: permissiveUpstream });

  async function proxyWith(config: Partial<RunningProxy['state']['config']>): Promise<RunningProxy> {
    return startProxy({ port: 0, store: h.store, config: { ...h.proxy.state.config, ...config } });
  }

  it('refuses paths that would climb out of an upstream prefix, plain or percent-encoded', async () => {
    const gateway = await proxyWith({ anthropicUpstream: `${h.upstream.url}/gateway/anthropic` });
    const before = h.upstream.requests.length;
    for (const path of ['/v1/../../admin/keys', '/v1/%2e%2e/%2E%2E/admin/keys', '/v1/./../admin', '/v1/messages/..']) {
      const answer = await httpRequest(`${gateway.url}/`, { path, method: 'GET', headers: anthropicHeaders });
      assert.equal(answer.status, 400, path);
      assert.match(
        (JSON.parse(answer.body.toString()) as { error: { message: string } }).error.message,
        /"\." or "\.\." segments/,
      );
    }
    assert.equal(h.upstream.requests.length, before, 'nothing reached the gateway');
    const fine = await httpRequest(`${gateway.url}/v1/models`, { headers: anthropicHeaders });
    await gateway.close(100);
    assert.equal(fine.status, 200);
    assert.equal(h.upstream.requests.at(-1)?.url, '/gateway/anthropic/v1/models');
  });

  it('refuses decompression bombs with 413 in every encoding, past the size limit or the ratio cap, forwarding nothing', async () => {
    const zeros = Buffer.alloc(20 * 1024 * 1024, 0x20);
    const bombs: Array<[string, Buffer]> = [
      ['gzip', gzipSync(zeros)],
      ['deflate', (await import('node:zlib')).deflateSync(zeros)],
      ['br', brotliCompressSync(zeros)],
      ['zstd', zstdRleFrame(0x20, 160)],
    ];
    const before = h.upstream.requests.length;
    for (const [encoding, body] of bombs) {
      assert.ok(body.length < 100_000, `${encoding} bomb is small (${body.length} bytes)`);
      const answer = await httpRequest(`${h.proxy.url}/v1/messages`, {
        headers: { ...anthropicHeaders, 'content-encoding': encoding },
        body,
      });
      assert.equal(answer.status, 413, encoding);
      assert.match(answer.body.toString(), /request_too_large.*decoded/);
    }
    assert.equal(h.upstream.requests.length, before);
  });

  it('stops decoding at the limit, so a body of gigabytes never sits in memory', async () => {
    // gzip members concatenate: 100 copies of 10 MB of zeros decode to 1 GB.
    const member = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 100 }, () => member));
    const small = await proxyWith({ bodyLimit: 2 * 1024 * 1024 });
    const rssBefore = process.memoryUsage().rss;
    const answer = await httpRequest(`${small.url}/v1/messages`, {
      headers: { ...anthropicHeaders, 'content-encoding': 'gzip' },
      body: bomb,
    });
    const grown = process.memoryUsage().rss - rssBefore;
    await small.close(100);
    assert.equal(answer.status, 413);
    assert.ok(grown < 256 * 1024 * 1024, `memory grew by ${Math.round(grown / 1024 / 1024)} MB`);
  });
});

describe('security: what the client sent is what the upstream gets', () => {
  const h = proxyHarness({ upstream: permissiveUpstream });

  async function sent(body: Buffer | string): Promise<Buffer> {
    const answer = await httpRequest(`${h.proxy.url}/v1/messages`, { headers: anthropicHeaders, body });
    assert.equal(answer.status, 200, answer.body.toString());
    return h.upstream.requests.at(-1)!.body;
  }

  it('keeps number literals JavaScript cannot hold exactly, in a request it compressed', async () => {
    const body = conversation().replace(
      '"max_tokens":64',
      '"max_tokens":64,"metadata":{"user_id":9007199254740993,"ratio":1.0,"big":1e400,"tiny":-0,"pi":3.14159265358979323846}',
    );
    const forwarded = (await sent(body)).toString();
    assert.ok(forwarded.length < body.length, 'the tool output was compressed');
    assert.match(forwarded, /headroom_retrieve/);
    assert.ok(
      forwarded.includes(
        '"metadata":{"user_id":9007199254740993,"ratio":1.0,"big":1e400,"tiny":-0,"pi":3.14159265358979323846}',
      ),
      forwarded.slice(0, 300),
    );
  });

  it('forwards a body nested too deep to walk byte for byte, instead of failing', async () => {
    const deep = `${'['.repeat(6000)}${']'.repeat(6000)}`;
    const body = conversation().replace('"max_tokens":64', `"max_tokens":64,"metadata":{"x":${deep}}`);
    assert.deepEqual(await sent(body), Buffer.from(body));
    assert.match(h.proxy.state.lastError ?? '', /nested deeper than/);
  });

  it('forwards a request whose tools are not a list as sent, rather than replacing them', async () => {
    for (const tools of ['"Bash"', 'null', '{"name":"Bash"}']) {
      const body = conversation().replace('"max_tokens":64', `"max_tokens":64,"tools":${tools}`);
      assert.deepEqual(await sent(body), Buffer.from(body), tools);
    }
  });

  it('forwards bytes that are not UTF-8 as they came', async () => {
    const body = Buffer.concat([
      Buffer.from(conversation().slice(0, -4)),
      Buffer.from([0x20, 0xff, 0xfe, 0xc3]),
      Buffer.from(conversation().slice(-4)),
    ]);
    assert.deepEqual(await sent(body), body);
  });
});

describe('security: other users of the machine', () => {
  const h = proxyHarness({ upstream: permissiveUpstream });

  it('answers the loopback API only to its secret, health aside', async () => {
    const routes: Array<[string, string]> = [
      ['GET', '/headroom/stats'],
      ['GET', '/headroom/items'],
      ['GET', `/headroom/items/${'a'.repeat(24)}`],
      ['GET', '/headroom/events'],
      ['POST', '/headroom/toggle'],
      ['POST', '/headroom/compress'],
      ['GET', '/headroom/shared'],
      ['PUT', '/headroom/shared/k'],
    ];
    for (const [method, path] of routes)
      for (const token of [undefined, '', 'not-the-secret', `${h.proxy.apiToken}x`]) {
        const headers = {
          'content-type': 'application/json',
          ...(token === undefined ? {} : { [API_TOKEN_HEADER]: token }),
        };
        const answer = await httpRequest(`${h.proxy.url}${path}`, {
          method,
          headers,
          body: method === 'GET' ? undefined : '{"enabled":false}',
        });
        assert.equal(answer.status, 401, `${method} ${path} with ${token === undefined ? 'no token' : `"${token}"`}`);
      }
    assert.equal(h.proxy.state.compressionEnabled, true);
    assert.equal((await httpRequest(`${h.proxy.url}/headroom/health`)).status, 200);
    const stats = await httpRequest(`${h.proxy.url}/headroom/stats`, { headers: apiTokenHeader(h.proxy) });
    assert.equal(stats.status, 200);
  });

  it('gives each proxy a fresh secret, long enough not to be guessed', async () => {
    const other = await startProxy({ port: 0, store: h.store, config: h.proxy.state.config });
    await other.close(100);
    assert.notEqual(other.apiToken, h.proxy.apiToken);
    assert.ok(Buffer.from(h.proxy.apiToken, 'base64url').length >= 32);
  });
});

describe('security: one request cannot hold up the others', () => {
  const h = proxyHarness({ upstream: permissiveUpstream });
  const hugeLog = () =>
    Array.from(
      { length: 60_000 },
      (_, i) =>
        `2026-11-24 10:00:${String(i % 60).padStart(2, '0')} INFO worker ${i} processed batch ${i * 7} in ${i % 13}ms`,
    ).join('\n');
  const toolOutputOf = (body: Buffer) =>
    (JSON.parse(body.toString()) as { messages: Array<{ content: Array<{ content?: string }> }> }).messages[2]
      .content[0].content;

  it('says on its health route when the worker has loaded what it needs', async () => {
    const thread = new CompressionThread();
    assert.equal(thread.ready, false, 'not started');
    thread.start();
    while (!thread.ready) await new Promise((done) => setTimeout(done, 20));
    thread.stop();
    assert.equal(thread.ready, false, 'stopped');
    const client = new LoopbackClient(h.proxy.url);
    while (!(await client.health()).warm) await new Promise((done) => setTimeout(done, 20));
  });

  it('compresses a large output in its worker thread, and a small one where it is', async () => {
    const { counts } = h.proxy.state.compressionThread;
    const before = counts.compressed;
    const answer = await httpRequest(`${h.proxy.url}/v1/messages`, {
      headers: anthropicHeaders,
      body: conversation(hugeLog()),
    });
    assert.equal(answer.status, 200);
    assert.equal(counts.compressed, before + 1, 'the large output went to the worker');
    assert.ok(
      toolOutputOf(h.upstream.requests.at(-1)!.body)!.length < hugeLog().length / 10,
      'and came back compressed',
    );
    await httpRequest(`${h.proxy.url}/v1/messages`, {
      headers: anthropicHeaders,
      body: conversation(hugeLog().slice(0, 20_000)),
    });
    assert.equal(counts.compressed, before + 1, 'a small output is compressed on the spot');
  });

  it('abandons a compression that passes the budget and sends that output as it was, then compresses again', async () => {
    const hurried = await startProxy({
      port: 0,
      store: h.store,
      config: { ...h.proxy.state.config, compressionBudgetMs: 1 },
    });
    const output = `${hugeLog()}\nunique tail ${Date.now()}`;
    const answer = await httpRequest(`${hurried.url}/v1/messages`, {
      headers: anthropicHeaders,
      body: conversation(output),
    });
    await hurried.close(100);
    assert.equal(answer.status, 200);
    assert.equal(toolOutputOf(h.upstream.requests.at(-1)!.body), output, 'sent as it was');
    const again = await httpRequest(`${h.proxy.url}/v1/messages`, {
      headers: anthropicHeaders,
      body: conversation(output),
    });
    assert.equal(again.status, 200);
    assert.ok(
      toolOutputOf(h.upstream.requests.at(-1)!.body)!.length < output.length / 10,
      'compressed with time to do it',
    );
  });
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PortInUse, startProxy } from '../../src/proxy/server';
import { CcrStore } from '../../src/store/ccrStore';
import { apiTokenHeader, httpRequest } from '../helpers/http';
import { proxyHarness } from '../helpers/proxyHarness';
import { tempDir } from '../helpers/tempDir';
import { bigJson, bigLog } from '../helpers/toolOutputs';
import { zstdRawFrame } from '../helpers/zstdFrame';

const API_KEY = 'sk-ant-test-SECRET-0123456789';
const anthropicHeaders = {
  'content-type': 'application/json',
  'x-api-key': API_KEY,
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'context-management-2025-06-27',
};

function anthropicBody(stream: boolean, toolOutput = bigLog()): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    stream,
    system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
    metadata: { user_id: '{"session_id":"abc"}' },
    messages: [
      { role: 'user', content: 'Why did the nodes fail?' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'cat bgl.log' } }],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: toolOutput, cache_control: { type: 'ephemeral' } },
        ],
      },
    ],
  });
}

describe('proxy: Anthropic Messages', () => {
  const h = proxyHarness({ storeFile: join(tempDir(), 'proxy-store.sqlite') });

  it('compresses the tool result, keeps everything else, forwards auth headers and the query string', async () => {
    const body = anthropicBody(false);
    const answer = await httpRequest(`${h.proxy.url}/v1/messages?beta=true`, { headers: anthropicHeaders, body });
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body.toString()).content[0].text.startsWith('answer number'), true);
    const seen = h.upstream.requests.at(-1)!;
    assert.equal(seen.url, '/v1/messages?beta=true');
    assert.equal(seen.headers['x-api-key'], API_KEY);
    assert.equal(seen.headers['anthropic-beta'], anthropicHeaders['anthropic-beta']);
    const sent = JSON.parse(seen.body.toString()) as Record<string, unknown> & {
      messages: Array<{ content: unknown }>;
    };
    const original = JSON.parse(body) as typeof sent;
    assert.ok(seen.body.length < body.length / 4, `${body.length} → ${seen.body.length} bytes`);
    assert.deepEqual(sent.system, original.system);
    assert.deepEqual(sent.metadata, original.metadata);
    assert.deepEqual(sent.messages.slice(0, 2), original.messages.slice(0, 2));
    const block = (sent.messages[2].content as Array<Record<string, unknown>>)[0];
    assert.deepEqual(block.cache_control, { type: 'ephemeral' });
    assert.match(block.content as string, /retrieve hash=[0-9a-f]{24}/);
  });

  it('streams the answer through byte for byte, as it arrives', async () => {
    const answer = await httpRequest(`${h.proxy.url}/v1/messages`, {
      headers: { ...anthropicHeaders, 'x-fake-delay-ms': '5' },
      body: anthropicBody(true),
    });
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /text\/event-stream/);
    const index = h.upstream.requests.length - 1;
    assert.equal(answer.body.toString(), h.upstream.streamed.get(index));
    assert.ok(answer.body.toString().startsWith('event: message_start'));
    assert.ok(answer.chunks.length > 3, `arrived in ${answer.chunks.length} chunks, not buffered`);
  });

  it('passes a request through byte-identically when compression is off', async () => {
    const off = await httpRequest(`${h.proxy.url}/headroom/toggle`, {
      headers: { ...apiTokenHeader(h.proxy), 'content-type': 'application/json' },
      body: '{"enabled":false}',
    });
    assert.deepEqual(JSON.parse(off.body.toString()), { compression: false });
    const body = anthropicBody(false);
    await httpRequest(`${h.proxy.url}/v1/messages`, { headers: anthropicHeaders, body });
    assert.ok(h.upstream.requests.at(-1)!.body.equals(Buffer.from(body)));
    await httpRequest(`${h.proxy.url}/headroom/toggle`, {
      headers: { ...apiTokenHeader(h.proxy), 'content-type': 'application/json' },
      body: '{"enabled":true}',
    });
  });

  it('forwards malformed JSON unchanged, so the upstream answers as it would', async () => {
    const answer = await httpRequest(`${h.proxy.url}/v1/messages`, {
      headers: anthropicHeaders,
      body: '{"messages": [',
    });
    assert.equal(answer.status, 400);
    assert.equal(h.upstream.requests.at(-1)!.body.toString(), '{"messages": [');
  });

  it('decodes gzip and zstd bodies, compresses them and sends them plain', async () => {
    for (const [encoding, encode] of [
      ['gzip', gzipSync],
      ['zstd', zstdRawFrame],
    ] as const) {
      const body = encode(Buffer.from(anthropicBody(false)));
      const answer = await httpRequest(`${h.proxy.url}/v1/messages`, {
        headers: { ...anthropicHeaders, 'content-encoding': encoding },
        body,
      });
      assert.equal(answer.status, 200, encoding);
      const seen = h.upstream.requests.at(-1)!;
      assert.equal(seen.headers['content-encoding'], undefined, encoding);
      assert.match(seen.body.toString(), /retrieve hash=/, encoding);
    }
  });

  it('returns upstream errors verbatim, rate-limit headers included', async () => {
    for (const status of [429, 529, 500]) {
      const answer = await httpRequest(`${h.proxy.url}/v1/messages`, {
        headers: { ...anthropicHeaders, 'x-fake-status': String(status) },
        body: anthropicBody(true),
      });
      assert.equal(answer.status, status);
      assert.equal(answer.headers['retry-after'], '17');
      assert.equal(answer.headers['x-request-id'], 'req_fake_error');
      assert.match(answer.body.toString(), new RegExp(`fake ${status}`));
    }
  });

  it('counts the compressed request for count_tokens, without the retrieve tool, and passes other paths through', async () => {
    await httpRequest(`${h.proxy.url}/v1/messages/count_tokens`, {
      headers: anthropicHeaders,
      body: anthropicBody(false),
    });
    const counted = h.upstream.requests.at(-1)!.body.toString();
    assert.match(counted, /retrieve hash=/);
    assert.doesNotMatch(
      counted,
      /headroom_retrieve/,
      'Claude Code asks what its own request costs: a tool it did not send is not part of that',
    );
    const models = await httpRequest(`${h.proxy.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } });
    assert.equal(models.status, 200);
    assert.equal(h.upstream.requests.at(-1)!.url, '/v1/models');
  });

  it('aborts the upstream request when the client goes away mid-stream', async () => {
    const before = h.upstream.requests.length;
    await new Promise<void>((resolve) => {
      const req = request(
        `${h.proxy.url}/v1/messages`,
        { method: 'POST', headers: { ...anthropicHeaders, 'x-fake-delay-ms': '50' } },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', () => undefined);
      req.end(anthropicBody(true));
    });
    const deadline = Date.now() + 3_000;
    while (!h.upstream.requests[before]?.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.upstream.requests[before]?.aborted, true);
  });

  it('serves its stats and the originals it stored, and never writes the API key anywhere', async () => {
    const stats = JSON.parse(
      (await httpRequest(`${h.proxy.url}/headroom/stats`, { headers: apiTokenHeader(h.proxy) })).body.toString(),
    ) as {
      session: { compressedRequests: number; tokensSaved: number };
    };
    assert.ok(stats.session.compressedRequests >= 3);
    assert.ok(stats.session.tokensSaved > 0);
    const compressed = h.upstream.requests.find((r) => /retrieve hash=([0-9a-f]{24})/.test(r.body.toString()))!;
    const hash = /retrieve hash=([0-9a-f]{24})/.exec(compressed.body.toString())![1];
    const item = await httpRequest(`${h.proxy.url}/headroom/items/${hash}`, { headers: apiTokenHeader(h.proxy) });
    assert.equal(item.status, 200);
    assert.equal(item.body.toString(), bigLog());
    await h.store.flush();
    const dir = dirname(h.storeFile!);
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    assert.ok(
      files.some((entry) => entry.name.endsWith('.gz')),
      'originals are files of their own',
    );
    for (const entry of files) {
      const bytes = readFileSync(join(entry.parentPath, entry.name));
      const text = entry.name.endsWith('.gz') ? gunzipSync(bytes) : bytes;
      assert.ok(!text.includes(API_KEY), `API key found in ${entry.name}`);
    }
    assert.ok(!JSON.stringify(stats).includes(API_KEY));
  });
});

describe('proxy: OpenAI Chat Completions and Responses', () => {
  const h = proxyHarness();

  it('answers odd shapes without a crash: user content null and Responses content an object go upstream as sent', async () => {
    const failures = async () =>
      (
        JSON.parse(
          (await httpRequest(`${h.proxy.url}/headroom/stats`, { headers: apiTokenHeader(h.proxy) })).body.toString(),
        ) as {
          session: { failures: number };
        }
      ).session.failures;
    const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-openai-test' };
    const chat = JSON.stringify({
      model: 'gpt-5',
      messages: [
        { role: 'user', content: null },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'q', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: bigJson() },
      ],
    });
    const chatAnswer = await httpRequest(`${h.proxy.url}/v1/chat/completions`, { headers, body: chat });
    assert.notEqual(chatAnswer.status, 500, chatAnswer.body.toString());
    const sent = JSON.parse(h.upstream.requests.at(-1)!.body.toString()) as { messages: Array<{ content: unknown }> };
    assert.equal(sent.messages[0].content, null, "the client's null content is passed on as it is");

    const responses = JSON.stringify({
      model: 'gpt-5',
      input: [{ role: 'user', content: { text: 'an object, not a list' } }],
    });
    const before = await failures();
    const answer = await httpRequest(`${h.proxy.url}/v1/responses`, { headers, body: responses });
    assert.notEqual(answer.status, 500, answer.body.toString());
    assert.doesNotMatch(String(answer.headers['content-type']), /html/);
    const forwarded = JSON.parse(h.upstream.requests.at(-1)!.body.toString()) as { input: unknown };
    assert.deepEqual(forwarded.input, JSON.parse(responses).input, 'the input goes upstream as the client sent it');
    assert.equal(await failures(), before, 'nothing failed: there was nothing to rewrite');
  });

  it('compresses tool messages in chat completions and streams the answer', async () => {
    const body = JSON.stringify({
      model: 'gpt-5',
      stream: true,
      messages: [
        { role: 'user', content: 'What is in the records?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'query_db', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: bigJson() },
      ],
    });
    const answer = await httpRequest(`${h.proxy.url}/v1/chat/completions`, {
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-openai-test' },
      body,
    });
    assert.equal(answer.status, 200);
    assert.ok(answer.body.toString().endsWith('data: [DONE]\n\n'));
    const seen = h.upstream.requests.at(-1)!;
    assert.equal(seen.headers.authorization, 'Bearer sk-openai-test');
    const tool = (JSON.parse(seen.body.toString()) as { messages: Array<{ content: string }> }).messages[2];
    assert.doesNotThrow(() => JSON.parse(tool.content));
    assert.ok(tool.content.length < bigJson().length / 4);
  });

  it('compresses function_call_output items in responses', async () => {
    const body = JSON.stringify({
      model: 'gpt-5',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Why did it fail?' }] },
        { type: 'function_call', call_id: 'fc_1', name: 'shell', arguments: '{}' },
        { type: 'function_call_output', call_id: 'fc_1', output: bigLog() },
      ],
    });
    const answer = await httpRequest(`${h.proxy.url}/v1/responses`, {
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(answer.status, 200);
    assert.match(h.upstream.requests.at(-1)!.body.toString(), /retrieve hash=/);
  });

  it('answers 200 concurrent streaming requests with complete, uncrossed streams', async () => {
    const start = h.upstream.requests.length;
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        httpRequest(`${h.proxy.url}/v1/chat/completions`, {
          headers: { 'content-type': 'application/json', 'x-client': String(i) },
          body: JSON.stringify({
            model: 'gpt-5',
            stream: true,
            messages: [{ role: 'user', content: `question ${i}` }],
          }),
        }),
      ),
    );
    for (const [i, answer] of answers.entries()) {
      const index = h.upstream.requests.findIndex((r, k) => k >= start && r.headers['x-client'] === String(i));
      assert.equal(answer.status, 200);
      assert.equal(answer.body.toString(), h.upstream.streamed.get(index), `stream ${i}`);
    }
  });
});

describe('proxy: security and bad input', () => {
  const h = proxyHarness();

  it('answers an oversized body with 413 and a clear message', async () => {
    const small = await startProxy({ port: 0, store: h.store, config: { ...h.proxy.state.config, bodyLimit: 1024 } });
    const answer = await httpRequest(`${small.url}/v1/messages`, { headers: anthropicHeaders, body: 'x'.repeat(4096) });
    await small.close(100);
    assert.equal(answer.status, 413);
    assert.match(answer.body.toString(), /accepts request bodies up to/);
  });

  it('answers 502 with the reason when the upstream cannot be reached', async () => {
    const dead = await startProxy({
      port: 0,
      store: h.store,
      config: { ...h.proxy.state.config, anthropicUpstream: 'http://127.0.0.1:9' },
    });
    const answer = await httpRequest(`${dead.url}/v1/messages`, {
      headers: anthropicHeaders,
      body: anthropicBody(false),
    });
    await dead.close(100);
    assert.equal(answer.status, 502);
    assert.match(answer.body.toString(), /could not reach the upstream http:\/\/127\.0\.0\.1:9/);
  });

  it("answers an unreachable upstream in the client's API error shape: OpenAI's on its routes, streamed or not", async () => {
    const dead = await startProxy({
      port: 0,
      store: h.store,
      config: { ...h.proxy.state.config, openaiUpstream: 'http://127.0.0.1:9' },
    });
    try {
      const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-openai-test' };
      for (const [path, body] of [
        ['/v1/chat/completions', { model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }] }],
        ['/v1/responses', { model: 'gpt-5', input: 'hi', stream: true }],
        ['/v1/models', undefined],
      ] as const) {
        const answer = await httpRequest(`${dead.url}${path}`, {
          headers,
          body: body && JSON.stringify(body),
          method: body ? 'POST' : 'GET',
        });
        assert.equal(answer.status, 502, path);
        const reply = JSON.parse(answer.body.toString()) as { type?: string; error: { message: string; type: string } };
        assert.equal(reply.type, undefined, `${path}: not Anthropic's { type: "error" } envelope`);
        assert.equal(reply.error.type, 'server_error', path);
        assert.match(reply.error.message, /could not reach the upstream http:\/\/127\.0\.0\.1:9/, path);
      }
    } finally {
      await dead.close(100);
    }
  });

  it('says clearly when its port is taken', async () => {
    await assert.rejects(
      startProxy({ port: h.proxy.port, store: h.store, config: h.proxy.state.config }),
      (error: unknown) => {
        assert.ok(error instanceof PortInUse);
        assert.match((error as Error).message, new RegExp(`Port ${h.proxy.port} .* already in use`));
        return true;
      },
    );
  });

  it("answers Claude Code's HEAD / probe", async () => {
    const answer = await httpRequest(`${h.proxy.url}/`, { method: 'HEAD' });
    assert.equal(answer.status, 200);
  });
});

describe('proxy: content it does not know', () => {
  const h = proxyHarness();

  it('passes server tool blocks, thinking, images, documents and future types through unchanged', async () => {
    const foreign = [
      { type: 'thinking', thinking: 'Let me think.', signature: 'sig-abc' },
      { type: 'redacted_thinking', data: 'opaque==' },
      { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'loghub' } },
      {
        type: 'web_search_tool_result',
        tool_use_id: 'srvtoolu_1',
        content: [{ type: 'web_search_result', url: 'https://example.com', title: 'x', encrypted_content: 'enc' }],
      },
      { type: 'tool_use', id: 'toolu_9', name: 'ToolSearch', input: { query: 'notebook' } },
    ];
    const userBlocks = [
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'doc' } },
      { type: 'tool_result', tool_use_id: 'toolu_9', content: [{ type: 'tool_reference', tool_name: 'NotebookEdit' }] },
      { type: 'future_block_type', payload: { nested: [1, 2, 3] } },
    ];
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      context_management: { edits: [] },
      output_config: { effort: 'high' },
      messages: [
        { role: 'user', content: 'search' },
        { role: 'assistant', content: foreign },
        { role: 'user', content: [...userBlocks, { type: 'text', text: bigLog() }] },
      ],
    };
    const answer = await httpRequest(`${h.proxy.url}/v1/messages`, {
      headers: anthropicHeaders,
      body: JSON.stringify(body),
    });
    assert.equal(answer.status, 200);
    const sent = JSON.parse(h.upstream.requests.at(-1)!.body.toString()) as typeof body;
    assert.deepEqual(sent.messages, body.messages, 'user text is never compressed; every block arrives as sent');
    assert.deepEqual(
      [sent.thinking, sent.context_management, sent.output_config],
      [body.thinking, body.context_management, body.output_config],
    );
  });
});

describe('proxy: fail-open and shutdown', () => {
  const h = proxyHarness();

  it('forwards the original bytes when compression runs out of time', async () => {
    const hurried = await startProxy({
      port: 0,
      store: h.store,
      config: { ...h.proxy.state.config, compressionBudgetMs: 0 },
    });
    const body = anthropicBody(false);
    const answer = await httpRequest(`${hurried.url}/v1/messages`, { headers: anthropicHeaders, body });
    await hurried.close(100);
    assert.equal(answer.status, 200);
    const sent = JSON.parse(h.upstream.requests.at(-1)!.body.toString()) as { messages: unknown[] };
    assert.deepEqual(
      sent.messages,
      (JSON.parse(body) as { messages: unknown[] }).messages,
      'the conversation went upstream as it came',
    );
  });

  it('lets an in-flight stream finish when it shuts down, and refuses new connections', async () => {
    const closing = await startProxy({ port: 0, store: h.store, config: h.proxy.state.config });
    const inFlight = httpRequest(`${closing.url}/v1/messages`, {
      headers: { ...anthropicHeaders, 'x-fake-delay-ms': '40' },
      body: anthropicBody(true),
    });
    await new Promise((resolve) => setTimeout(resolve, 60));
    const closed = closing.close(5_000);
    const answer = await inFlight;
    await closed;
    assert.equal(answer.status, 200);
    assert.ok(answer.body.toString().trimEnd().endsWith('data: {"type":"message_stop"}'), 'the stream ran to its end');
    // A new connection, not one the client's agent keeps from the stream it just read.
    const connecting = new Promise((resolve, reject) =>
      connect(closing.port, '127.0.0.1').once('connect', resolve).once('error', reject),
    );
    await assert.rejects(connecting, /ECONNREFUSED/);
  });
});

describe('proxy: failure log', () => {
  const h = proxyHarness();

  it("logs a failure as it happens, without the request's secrets", async () => {
    const lines: string[] = [];
    const logged = await startProxy({
      port: 0,
      store: h.store,
      config: { ...h.proxy.state.config, log: (line) => lines.push(line) },
    });
    const answer = await httpRequest(`${logged.url}/v1/messages`, {
      headers: { ...anthropicHeaders, 'content-encoding': 'compress' },
      body: anthropicBody(false),
    });
    await logged.close(100);
    assert.equal(answer.status, 200);
    const seen = h.upstream.requests.at(-1)!;
    assert.equal(seen.headers['content-encoding'], 'compress', 'the body went upstream as it came, with its encoding');
    assert.equal(seen.body.toString(), anthropicBody(false));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /headroom: compression skipped for \/v1\/messages: unsupported content-encoding compress/);
    assert.ok(!lines[0].includes(API_KEY));
  });
});

describe('proxy: Codex-shaped requests', () => {
  const h = proxyHarness();

  it('sends two turns with different timestamps upstream with byte-identical prefixes', async () => {
    const turn = (time: string) =>
      JSON.stringify({
        model: 'gpt-5-codex',
        stream: false,
        store: false,
        instructions: `You are Codex. Current time ${time}.`,
        input: [
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Why did the nodes fail?' }] },
          { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{"cmd":"cat bgl.log"}' },
          { type: 'function_call_output', call_id: 'c1', output: bigLog() },
        ],
      });
    for (const time of ['2026-11-24T09:00:01Z', '2026-11-24T09:04:59Z']) {
      const answer = await httpRequest(`${h.proxy.url}/v1/responses`, {
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-codex' },
        body: turn(time),
      });
      assert.equal(answer.status, 200);
    }
    const [first, second] = h.upstream.requests
      .slice(-2)
      .map((r) => JSON.parse(r.body.toString()) as { instructions: string; input: unknown[]; tools: unknown[] });
    assert.equal(first.instructions, second.instructions);
    assert.equal(
      JSON.stringify([first.tools, first.input.slice(0, -1)]),
      JSON.stringify([second.tools, second.input.slice(0, -1)]),
    );
    assert.match(JSON.stringify(first.input[2]), /retrieve hash=/, 'the tool output was compressed too');
    assert.match(JSON.stringify(second.input.at(-1)), /2026-11-24T09:04:59Z/);
  });
});

describe('proxy: a long-running store', () => {
  it('drops expired originals while it runs', async () => {
    const store = await CcrStore.open({ ttlMs: 40 });
    await store.putOriginal({ hash: 'a'.repeat(24), content: 'old tool output', kind: 'log' });
    const proxy = await startProxy({
      port: 0,
      store,
      config: {
        anthropicUpstream: 'http://127.0.0.1:9',
        openaiUpstream: 'http://127.0.0.1:9',
        compressionBudgetMs: 100,
        bodyLimit: 1024,
        pruneIntervalMs: 20,
      },
    });
    const deadline = Date.now() + 2_000;
    while ((await store.summary()).originals > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await proxy.close(100);
    assert.equal((await store.summary()).originals, 0);
    const outcome = await store.retrieve('a'.repeat(24));
    assert.match(!outcome.ok ? outcome.error : '', /no longer stored \(expired/);
  });
});

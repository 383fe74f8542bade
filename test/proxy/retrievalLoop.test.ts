import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseParser } from '../../src/proxy/sse';
import { httpRequest } from '../helpers/http';
import { proxyHarness } from '../helpers/proxyHarness';
import { bigLog } from '../helpers/toolOutputs';

const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' };

function request(
  stream: boolean,
  tools: unknown[] = [{ name: 'Bash', description: 'run a command', input_schema: { type: 'object' } }],
): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 512,
    stream,
    tools,
    messages: [
      { role: 'user', content: 'Which nodes had data TLB errors?' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_0', name: 'Bash', input: { command: 'cat bgl.log' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_0', content: bigLog() }] },
    ],
  });
}

interface Parsed {
  name: string;
  data: Record<string, unknown>;
}

function events(body: string): Parsed[] {
  return new SseParser()
    .push(body)
    .map((e) => ({ name: e.event, data: JSON.parse(e.data) as Record<string, unknown> }));
}

function streamedText(list: Parsed[]): string {
  return list
    .filter((e) => e.name === 'content_block_delta')
    .map((e) => (e.data.delta as { text?: string }).text ?? '')
    .join('');
}

/** One message_start, one message_stop, every block started, delta'd and stopped under consecutive indices. */
function assertCoherentStream(list: Parsed[]): void {
  assert.equal(list.filter((e) => e.name === 'message_start').length, 1, 'one message_start');
  assert.equal(list.filter((e) => e.name === 'message_stop').length, 1, 'one message_stop');
  assert.equal(list[0].name, 'message_start');
  assert.equal(list.at(-1)!.name, 'message_stop');
  const starts = list.filter((e) => e.name === 'content_block_start').map((e) => e.data.index);
  assert.deepEqual(
    starts,
    starts.map((_, i) => i),
    'consecutive block indices',
  );
  for (const index of starts) {
    const own = list.filter((e) => e.data.index === index).map((e) => e.name);
    assert.equal(own[0], 'content_block_start');
    assert.equal(own.at(-1), 'content_block_stop');
  }
}

describe('proxy: the retrieval loop (Anthropic)', () => {
  const h = proxyHarness();

  it('answers a retrieve call itself and returns one message without trace of it', async () => {
    const retrievalsBefore = h.proxy.state.totals.retrievals;
    const answer = await httpRequest(`${h.proxy.url}/v1/messages`, {
      headers: { ...headers, 'x-fake-script': 'retrieve' },
      body: request(false),
    });
    assert.equal(answer.status, 200);
    const message = JSON.parse(answer.body.toString()) as {
      content: Array<{ type: string; text?: string }>;
      stop_reason: string;
      usage: Record<string, number>;
    };
    assert.deepEqual(
      message.content.map((b) => b.type),
      ['text', 'text'],
    );
    assert.match(
      message.content[1].text!,
      /I read the original: \[headroom: original [0-9a-f]{24}: lines 1–3 of the \d+ matching "data TLB error interrupt"/,
    );
    assert.equal(message.stop_reason, 'end_turn');
    assert.deepEqual(message.usage, { input_tokens: 2400, output_tokens: 6 });
    assert.ok(!answer.body.toString().includes('headroom_retrieve'));
    assert.equal(h.proxy.state.totals.retrievals, retrievalsBefore + 1);

    const continuation = JSON.parse(h.upstream.requests.at(-1)!.body.toString()) as {
      messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
    };
    const result = continuation.messages.at(-1)!.content[0];
    assert.equal(result.type, 'tool_result');
    assert.equal(result.tool_use_id, 'toolu_retrieve_1');
    const [header, ...lines] = String(result.content).split('\n');
    assert.match(header, /^\[headroom: original [0-9a-f]{24}: lines 1–3 of the \d+ matching/);
    assert.equal(lines.length, 3);
    assert.ok(lines.every((l) => l.includes('data TLB error interrupt')));
  });

  it('streams one coherent message across the rounds, usage summed', async () => {
    const answer = await httpRequest(`${h.proxy.url}/v1/messages`, {
      headers: { ...headers, 'x-fake-script': 'retrieve' },
      body: request(true),
    });
    assert.equal(answer.status, 200);
    const list = events(answer.body.toString());
    assertCoherentStream(list);
    assert.ok(!answer.body.toString().includes('headroom_retrieve'));
    const text = streamedText(list);
    assert.match(text, /^Let me look closer\.I read the original: \[headroom: original/);
    const delta = list.find((e) => e.name === 'message_delta')!.data;
    assert.deepEqual(delta.usage, { input_tokens: 2400, output_tokens: 6 });
    assert.equal((delta.delta as { stop_reason: string }).stop_reason, 'end_turn');
  });

  for (const stream of [false, true]) {
    it(`resolves retrievals before the client's own tool calls (${stream ? 'streamed' : 'whole'})`, async () => {
      const answer = await httpRequest(`${h.proxy.url}/v1/messages`, {
        headers: { ...headers, 'x-fake-script': 'retrieve+client-tool' },
        body: request(stream),
      });
      const body = answer.body.toString();
      if (stream) assertCoherentStream(events(body));
      const text = stream ? streamedText(events(body)) : body;
      assert.ok(text.includes('I read the original'));
      assert.ok(
        body.includes('toolu_client_1'),
        'the client tool call made alongside the retrieval reaches the client',
      );
      assert.ok(!body.includes('toolu_retrieve_1'), 'the retrieve call does not');
      assert.ok(
        body.indexOf('toolu_client_1') > body.indexOf('I read the original'),
        'the client call comes after what the model wrote once it had read the original',
      );
      assert.match(body, /"stop_reason":"tool_use"/);
      const continuation = JSON.parse(h.upstream.requests.at(-1)!.body.toString()) as {
        messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
      };
      const [assistant, results] = continuation.messages.slice(-2);
      assert.deepEqual(
        assistant.content.map((b) => b.name ?? b.type),
        ['text', 'Bash', 'headroom_retrieve'],
        'the model sees its turn as it made it',
      );
      assert.deepEqual(
        results.content.map((b) => b.tool_use_id),
        ['toolu_retrieve_1', 'toolu_client_1'],
        'every call has its result',
      );
      assert.match(String(results.content[1].content), /goes to the client with your answer/);
    });
  }

  it('offers the retrieve tool last, byte-identical on every turn', async () => {
    const tools = [
      { name: 'Read', input_schema: { type: 'object' } },
      { name: 'Bash', input_schema: { type: 'object' } },
    ];
    await httpRequest(`${h.proxy.url}/v1/messages`, { headers, body: request(false, tools) });
    const first = JSON.parse(h.upstream.requests.at(-1)!.body.toString()) as { tools: Array<{ name: string }> };
    await httpRequest(`${h.proxy.url}/v1/messages`, { headers, body: request(false, tools) });
    const second = JSON.parse(h.upstream.requests.at(-1)!.body.toString()) as { tools: Array<{ name: string }> };
    assert.deepEqual(
      first.tools.map((t) => t.name),
      ['Read', 'Bash', 'headroom_retrieve'],
    );
    assert.equal(JSON.stringify(second.tools), JSON.stringify(first.tools));
    assert.equal(
      h.upstream.requests.at(-1)!.body.toString(),
      h.upstream.requests.at(-2)!.body.toString(),
      'the whole second request is byte-identical',
    );
  });

  it('answers a retrieve call for an unknown hash with an error result, not a failure', async () => {
    const body = JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const answer = await httpRequest(`${h.proxy.url}/v1/messages`, {
      headers: { ...headers, 'x-fake-script': 'retrieve' },
      body,
    });
    assert.equal(answer.status, 200);
    const continuation = JSON.parse(h.upstream.requests.at(-1)!.body.toString()) as {
      messages: Array<{ content: Array<Record<string, unknown>> }>;
    };
    const result = continuation.messages.at(-1)!.content[0];
    assert.equal(result.is_error, true);
    assert.match(String(result.content), /No original is stored for hash f{24}/);
  });
});

describe('proxy: the retrieval loop (OpenAI Chat Completions)', () => {
  const h = proxyHarness();
  const chatHeaders = { 'content-type': 'application/json', authorization: 'Bearer sk-test' };
  const chatRequest = (stream: boolean) =>
    JSON.stringify({
      model: 'gpt-5',
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
      tools: [{ type: 'function', function: { name: 'shell', parameters: { type: 'object' } } }],
      messages: [
        { role: 'user', content: 'Which nodes had data TLB errors?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'shell', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call_0', content: bigLog() },
      ],
    });

  it('answers the retrieve call and returns one completion, usage summed', async () => {
    const answer = await httpRequest(`${h.proxy.url}/v1/chat/completions`, {
      headers: { ...chatHeaders, 'x-fake-script': 'retrieve' },
      body: chatRequest(false),
    });
    const completion = JSON.parse(answer.body.toString()) as {
      choices: Array<{ message: { content: string; tool_calls?: unknown }; finish_reason: string }>;
      usage: Record<string, unknown>;
    };
    assert.equal(completion.choices[0].message.tool_calls, undefined);
    assert.match(
      completion.choices[0].message.content,
      /^Let me look closer\.I read the original: \[headroom: original [0-9a-f]{24}: lines 1–3/,
    );
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.deepEqual(completion.usage, {
      prompt_tokens: 2000,
      completion_tokens: 10,
      total_tokens: 2010,
      prompt_tokens_details: { cached_tokens: 800 },
    });
    const sent = JSON.parse(h.upstream.requests.at(-2)!.body.toString()) as {
      tools: Array<{ function: { name: string } }>;
    };
    assert.deepEqual(
      sent.tools.map((t) => t.function.name),
      ['shell', 'headroom_retrieve'],
    );
  });

  it('streams one completion across the rounds, hiding the retrieval and sending client calls at the end', async () => {
    const answer = await httpRequest(`${h.proxy.url}/v1/chat/completions`, {
      headers: { ...chatHeaders, 'x-fake-script': 'retrieve+client-tool' },
      body: chatRequest(true),
    });
    const body = answer.body.toString();
    assert.ok(!body.includes('headroom_retrieve'));
    assert.ok(body.indexOf('call_client_1') > body.indexOf('I read the original'), 'the client call, after the text');
    assert.match(body, /"tool_calls":\[\{"index":0,"id":"call_client_1"/, 'numbered from 0 for the client');
    const chunks = new SseParser().push(body).map((e) => e.data);
    assert.equal(chunks.at(-1), '[DONE]');
    assert.equal(chunks.filter((c) => c === '[DONE]').length, 1);
    const parsed = chunks.slice(0, -1).map(
      (c) =>
        JSON.parse(c) as {
          id: string;
          choices: Array<{ delta: { content?: string }; finish_reason: string | null }>;
          usage?: Record<string, unknown>;
        },
    );
    assert.equal(new Set(parsed.map((c) => c.id)).size, 1, 'one completion id');
    const text = parsed.flatMap((c) => c.choices.map((ch) => ch.delta?.content ?? '')).join('');
    assert.match(text, /^Let me look closer\.I read the original: /);
    const finishes = parsed.flatMap((c) => c.choices.map((ch) => ch.finish_reason).filter(Boolean));
    assert.deepEqual(finishes, ['tool_calls']);
    assert.deepEqual(parsed.at(-1)!.usage, {
      prompt_tokens: 2000,
      completion_tokens: 10,
      total_tokens: 2010,
      prompt_tokens_details: { cached_tokens: 800 },
    });
  });
});

describe('proxy: the retrieval loop (OpenAI Responses, as Codex sends it)', () => {
  const h = proxyHarness();
  const responsesRequest = (stream: boolean) =>
    JSON.stringify({
      model: 'gpt-5-codex',
      stream,
      store: false,
      tools: [{ type: 'function', name: 'shell', parameters: { type: 'object' } }],
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Which nodes had data TLB errors?' }] },
        { type: 'function_call', call_id: 'call_0', name: 'shell', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_0', output: bigLog() },
      ],
    });
  const summed = {
    input_tokens: 2000,
    output_tokens: 10,
    total_tokens: 2010,
    input_tokens_details: { cached_tokens: 800 },
  };

  it('answers the retrieve call and returns one response, usage summed', async () => {
    const answer = await httpRequest(`${h.proxy.url}/v1/responses`, {
      headers: { 'content-type': 'application/json', 'x-fake-script': 'retrieve' },
      body: responsesRequest(false),
    });
    const response = JSON.parse(answer.body.toString()) as {
      output: Array<{ type: string; content?: Array<{ text: string }> }>;
      usage: unknown;
    };
    assert.deepEqual(
      response.output.map((o) => o.type),
      ['message', 'message'],
    );
    assert.match(
      response.output[1].content![0].text,
      /^I read the original: \[headroom: original [0-9a-f]{24}: lines 1–3/,
    );
    assert.deepEqual(response.usage, summed);
    const continuation = JSON.parse(h.upstream.requests.at(-1)!.body.toString()) as {
      input: Array<Record<string, unknown>>;
      tools: Array<{ name: string }>;
    };
    assert.deepEqual(
      continuation.tools.map((t) => t.name),
      ['shell', 'headroom_retrieve'],
    );
    assert.equal(continuation.input.at(-1)!.type, 'function_call_output');
    assert.equal(continuation.input.at(-1)!.call_id, 'call_retrieve_1');
  });

  it('streams one response across the rounds: one created, one completed, consecutive indices and sequence numbers', async () => {
    const answer = await httpRequest(`${h.proxy.url}/v1/responses`, {
      headers: { 'content-type': 'application/json', 'x-fake-script': 'retrieve+client-tool' },
      body: responsesRequest(true),
    });
    const body = answer.body.toString();
    assert.ok(!body.includes('headroom_retrieve'));
    const list = new SseParser()
      .push(body)
      .map((e) => ({ name: e.event, data: JSON.parse(e.data) as Record<string, unknown> }));
    assert.equal(list.filter((e) => e.name === 'response.created').length, 1);
    assert.equal(list.filter((e) => e.name === 'response.completed').length, 1);
    assert.equal(list.at(-1)!.name, 'response.completed');
    assert.deepEqual(
      list.map((e) => e.data.sequence_number),
      list.map((_, i) => i),
      'sequence numbers consecutive',
    );
    const added = list.filter((e) => e.name === 'response.output_item.added').map((e) => e.data.output_index);
    assert.deepEqual(
      added,
      added.map((_, i) => i),
      'output indices consecutive',
    );
    const text = list
      .filter((e) => e.name === 'response.output_text.delta')
      .map((e) => e.data.delta)
      .join('');
    assert.match(text, /^Let me look closer\.I read the original: /);
    const completed = list.at(-1)!.data.response as { usage: unknown; output: Array<{ type: string }>; id: string };
    assert.deepEqual(completed.usage, summed);
    assert.deepEqual(
      completed.output.map((o) => o.type),
      ['message', 'message', 'function_call'],
      'the client call made next to the retrieval arrives last',
    );
    assert.equal(completed.id, 'resp_fake');
    const streamedItems = list
      .filter((e) => e.name === 'response.output_item.done')
      .map((e) => (e.data.item as { type: string; call_id?: string }).call_id ?? 'message');
    assert.deepEqual(streamedItems, ['message', 'message', 'call_client_1']);
  });
});

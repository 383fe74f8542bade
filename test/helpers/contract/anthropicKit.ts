import { SseParser } from '../../../src/proxy/sse';
import { anthropicRequestError } from '../anthropicRules';
import type { ApiKit, ClientAnswer, Json } from './apiKit';

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
const blocksOf = (content: unknown): Json[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? (content as Json[]) : [];
const USAGE = { input_tokens: 100, output_tokens: 10 };

/** Anthropic Messages: Claude Code's and the SDKs' requests, the API's rules, its message and event shapes. */
export const anthropicKit: ApiKit = {
  name: 'Anthropic Messages',
  path: () => '/v1/messages',
  headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
  roundInputTokens: USAGE.input_tokens,

  firstRequest: ({ stream, output }) => ({
    model: 'claude-sonnet-4-5',
    max_tokens: 2048,
    thinking: { type: 'enabled', budget_tokens: 1024 },
    stream,
    system: [{ type: 'text', text: 'You are a coding agent.', cache_control: { type: 'ephemeral' } }],
    tools: [{ name: 'shell', description: 'Runs a command.', input_schema: { type: 'object' } }],
    messages: [
      { role: 'user', content: 'Which nodes had data TLB errors?' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'thinking 0', signature: 'sig:thinking 0' },
          { type: 'tool_use', id: 'toolu_0', name: 'shell', input: { cmd: 'cat bgl.log' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_0', content: output, cache_control: { type: 'ephemeral' } },
        ],
      },
    ],
  }),

  read(body, stream) {
    let message: Json;
    if (!stream) message = JSON.parse(body) as Json;
    else {
      const events = new SseParser().push(body).map((e) => ({ name: e.event, data: JSON.parse(e.data) as Json }));
      const names = events.map((e) => e.name);
      if (names[0] !== 'message_start' || names.at(-1) !== 'message_stop')
        throw new Error(`a stream starts with message_start and ends with message_stop: ${names.join(',')}`);
      if (names.filter((n) => n === 'message_start').length !== 1) throw new Error('one message_start');
      message = { ...(events[0].data.message as Json), content: [] };
      const blocks = message.content as Json[];
      const json = new Map<number, string>();
      for (const { name, data } of events) {
        const index = data.index as number;
        if (name === 'content_block_start') {
          if (index !== blocks.length) throw new Error(`block index ${index} where ${blocks.length} was next`);
          blocks.push({ ...(data.content_block as Json) });
        } else if (name === 'content_block_delta') {
          const delta = data.delta as Json;
          const block = blocks[index];
          if (!block) throw new Error(`delta for block ${index} before its start`);
          if (delta.type === 'text_delta') block.text = `${String(block.text ?? '')}${String(delta.text)}`;
          if (delta.type === 'thinking_delta')
            block.thinking = `${String(block.thinking ?? '')}${String(delta.thinking)}`;
          if (delta.type === 'signature_delta') block.signature = delta.signature;
          if (delta.type === 'input_json_delta')
            json.set(index, `${json.get(index) ?? ''}${String(delta.partial_json)}`);
        } else if (name === 'content_block_stop') {
          if (json.has(index)) blocks[index].input = JSON.parse(json.get(index) || '{}') as unknown;
        } else if (name === 'message_delta') {
          Object.assign(message, data.delta as Json);
          message.usage = { ...(message.usage as Json), ...(data.usage as Json) };
        }
      }
    }
    const content = message.content as Json[];
    return {
      text: content
        .filter((b) => b.type === 'text')
        .map((b) => String(b.text))
        .join(''),
      calls: content.filter((b) => b.type === 'tool_use').map((b) => ({ id: String(b.id), name: String(b.name) })),
      turn: [{ role: 'assistant', content }],
      inputTokens: Number((message.usage as Json | undefined)?.input_tokens ?? 0),
    } satisfies ClientAnswer;
  },

  nextRequest: (previous, answer, results) => ({
    ...previous,
    messages: [
      ...(previous.messages as Json[]),
      ...answer.turn,
      results.length > 0
        ? { role: 'user', content: results.map((r) => ({ type: 'tool_result', tool_use_id: r.id, content: r.text })) }
        : { role: 'user', content: 'Thanks. And the first node?' },
    ],
  }),
  toolNames: (body) => ((body.tools as Json[] | undefined) ?? []).map((t) => String(t.name)),

  matches: (path) => path === '/v1/messages',
  validate(body) {
    const broken = anthropicRequestError(body);
    if (broken) return broken;
    const breakpoints = [
      ...((body.tools as Json[] | undefined) ?? []),
      ...(Array.isArray(body.system) ? (body.system as Json[]) : []),
      ...(body.messages as Json[]).flatMap((m) => blocksOf(m.content)),
    ].filter((b) => b.cache_control !== undefined).length;
    if (breakpoints > 4) return `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`;
    const messages = body.messages as Json[];
    if ((body.thinking as Json | undefined)?.type === 'enabled') {
      // In a tool loop the turn being continued must open with the model's thinking, signed as it was sent.
      const last = messages.at(-1);
      const turn = messages.at(-2);
      const continuing = last?.role === 'user' && blocksOf(last.content).some((b) => b.type === 'tool_result');
      if (continuing && turn?.role === 'assistant' && blocksOf(turn.content)[0]?.type !== 'thinking')
        return `messages.${messages.length - 2}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(blocksOf(turn.content)[0]?.type)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`;
      for (const [i, m] of messages.entries())
        for (const b of blocksOf(m.content))
          if (b.type === 'thinking' && b.signature !== `sig:${String(b.thinking)}`)
            return `messages.${i}: Invalid \`signature\` in \`thinking\` block`;
    }
    return undefined;
  },
  errorBody: (status, message) => ({
    type: 'error',
    error: { type: status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : 'api_error', message },
  }),
  view(body) {
    const names = new Map<string, string>();
    const outputs: Array<{ callId: string; name: string; text: string }> = [];
    for (const message of body.messages as Json[])
      for (const block of blocksOf(message.content)) {
        if (block.type === 'tool_use') names.set(String(block.id), String(block.name));
        if (block.type === 'tool_result') {
          const text = blocksOf(block.content)
            .map((b) => String(b.text ?? ''))
            .join('\n');
          outputs.push({ callId: String(block.tool_use_id), name: names.get(String(block.tool_use_id)) ?? '', text });
        }
      }
    return { outputs, tools: anthropicKit.toolNames(body) };
  },
  respond(turn, body, stream, n) {
    const thought = `thinking ${n}`;
    const thinking = (body.thinking as Json | undefined)?.type === 'enabled';
    const content: Json[] = [
      ...(thinking ? [{ type: 'thinking', thinking: thought, signature: `sig:${thought}` }] : []),
      { type: 'text', text: turn.text },
      ...turn.calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.args })),
    ];
    const stopReason = turn.calls.length > 0 ? 'tool_use' : 'end_turn';
    const message = { id: `msg_${n}`, type: 'message', role: 'assistant', model: String(body.model) };
    if (!stream) return [JSON.stringify({ ...message, content, stop_reason: stopReason, usage: USAGE })];
    const events = [
      event('message_start', { type: 'message_start', message: { ...message, content: [], usage: USAGE } }),
    ];
    content.forEach((block, index) => {
      const start =
        block.type === 'text'
          ? { ...block, text: '' }
          : block.type === 'thinking'
            ? { type: 'thinking', thinking: '', signature: '' }
            : { ...block, input: {} };
      events.push(event('content_block_start', { type: 'content_block_start', index, content_block: start }));
      const deltas =
        block.type === 'text'
          ? [{ type: 'text_delta', text: block.text }]
          : block.type === 'thinking'
            ? [
                { type: 'thinking_delta', thinking: block.thinking },
                { type: 'signature_delta', signature: block.signature },
              ]
            : [{ type: 'input_json_delta', partial_json: JSON.stringify(block.input) }];
      for (const delta of deltas)
        events.push(event('content_block_delta', { type: 'content_block_delta', index, delta }));
      events.push(event('content_block_stop', { type: 'content_block_stop', index }));
    });
    events.push(
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: { output_tokens: USAGE.output_tokens },
      }),
      event('message_stop', { type: 'message_stop' }),
    );
    return events;
  },
};

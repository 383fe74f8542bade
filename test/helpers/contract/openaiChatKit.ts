import { SseParser } from '../../../src/proxy/sse';
import type { ApiKit, ClientAnswer, Json } from './apiKit';

type Call = { id: string; type: 'function'; function: { name: string; arguments: string } };
const USAGE = {
  prompt_tokens: 100,
  completion_tokens: 10,
  total_tokens: 110,
  prompt_tokens_details: { cached_tokens: 0 },
};
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
/** OpenAI's error body for a status, as both its APIs answer it. */
export const openaiErrorBody = (status: number, message: string) => ({
  error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', param: null, code: null },
});
const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

/** OpenAI Chat Completions: the SDK's requests, the API's rules, its completion and chunk shapes. */
export const openaiChatKit: ApiKit = {
  name: 'OpenAI Chat Completions',
  path: () => '/v1/chat/completions',
  headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
  roundInputTokens: USAGE.prompt_tokens,

  firstRequest: ({ stream, output }) => ({
    model: 'gpt-4.1',
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    tools: [{ type: 'function', function: { name: 'shell', parameters: { type: 'object' } } }],
    messages: [
      { role: 'system', content: 'You are a coding agent.' },
      { role: 'user', content: 'Which nodes had data TLB errors?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_0', type: 'function', function: { name: 'shell', arguments: '{"cmd":"cat bgl.log"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_0', content: output },
    ],
  }),

  read(body, stream) {
    let message: Json & { content: string | null; tool_calls?: Call[] };
    let usage: Json | undefined;
    if (!stream) {
      const completion = JSON.parse(body) as { choices: Array<{ message: typeof message }>; usage?: Json };
      message = completion.choices[0].message;
      usage = completion.usage;
    } else {
      const chunks = new SseParser().push(body).map((e) => e.data);
      if (chunks.at(-1) !== '[DONE]' || chunks.filter((c) => c === '[DONE]').length !== 1)
        throw new Error('a stream ends with one [DONE]');
      const parsed = chunks.slice(0, -1).map((c) => JSON.parse(c) as Json);
      if (new Set(parsed.map((c) => c.id)).size !== 1) throw new Error('one completion id across the stream');
      const calls: Call[] = [];
      let text = '';
      let finishes = 0;
      for (const chunk of parsed) {
        if (chunk.usage) usage = chunk.usage as Json;
        for (const choice of (chunk.choices as Json[]) ?? []) {
          if (choice.finish_reason) finishes++;
          const delta = (choice.delta ?? {}) as Json & {
            tool_calls?: Array<Json & { index: number; function?: Json }>;
          };
          if (typeof delta.content === 'string') text += delta.content;
          for (const part of delta.tool_calls ?? []) {
            if (part.index > calls.length) throw new Error(`tool call index ${part.index} skips ${calls.length}`);
            if (part.index === calls.length) {
              if (!part.id || !part.function?.name) throw new Error("a tool call's first chunk has its id and name");
              calls.push({
                id: String(part.id),
                type: 'function',
                function: { name: String(part.function.name), arguments: '' },
              });
            }
            calls[part.index].function.arguments += String(part.function?.arguments ?? '');
          }
        }
      }
      if (finishes !== 1) throw new Error(`one finish_reason in a stream, not ${finishes}`);
      message = { role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls } : {}) };
    }
    const calls = message.tool_calls ?? [];
    return {
      text: message.content ?? '',
      calls: calls.map((c) => ({ id: c.id, name: c.function.name })),
      turn: [{ role: 'assistant', content: message.content, ...(calls.length ? { tool_calls: calls } : {}) }],
      inputTokens: Number(usage?.prompt_tokens ?? 0),
    } satisfies ClientAnswer;
  },

  nextRequest: (previous, answer, results) => ({
    ...previous,
    messages: [
      ...(previous.messages as Json[]),
      ...answer.turn,
      ...(results.length > 0
        ? results.map((r) => ({ role: 'tool', tool_call_id: r.id, content: r.text }))
        : [{ role: 'user', content: 'Thanks. And the first node?' }]),
    ],
  }),
  toolNames: (body) =>
    ((body.tools as Array<{ function?: { name?: string } }> | undefined) ?? []).map((t) => String(t.function?.name)),

  matches: (path) => path === '/v1/chat/completions',
  validate(body) {
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) return "Invalid 'messages': empty array.";
    const names = openaiChatKit.toolNames(body);
    if (new Set(names).size !== names.length) return "Invalid 'tools': tool names must be unique.";
    const open = new Set<string>();
    for (const [i, m] of (messages as Json[]).entries()) {
      if (!ROLES.has(String(m.role)))
        return `Invalid value: '${String(m.role)}'. Supported values are: ${[...ROLES].join(', ')}.`;
      if (m.role === 'user' && typeof m.content !== 'string' && !Array.isArray(m.content))
        return `Invalid value for 'messages[${i}].content': expected a string or an array, got ${m.content === null ? 'null' : typeof m.content}.`;
      if (m.role === 'tool') {
        if (!open.has(String(m.tool_call_id)))
          return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
        open.delete(String(m.tool_call_id));
        continue;
      }
      if (open.size > 0)
        return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`;
      for (const call of (m.tool_calls as Call[] | undefined) ?? []) open.add(call.id);
    }
    if (open.size > 0)
      return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`;
    return undefined;
  },
  errorBody: openaiErrorBody,
  view(body) {
    const names = new Map<string, string>();
    const outputs: Array<{ callId: string; name: string; text: string }> = [];
    for (const m of body.messages as Json[]) {
      for (const call of (m.tool_calls as Call[] | undefined) ?? []) names.set(call.id, call.function.name);
      if (m.role === 'tool')
        outputs.push({
          callId: String(m.tool_call_id),
          name: names.get(String(m.tool_call_id)) ?? '',
          text: String(m.content),
        });
    }
    return { outputs, tools: openaiChatKit.toolNames(body) };
  },
  respond(turn, body, stream, n) {
    const calls: Call[] = turn.calls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: JSON.stringify(c.args) },
    }));
    const finish = calls.length > 0 ? 'tool_calls' : 'stop';
    const base = { id: `chatcmpl-${n}`, object: 'chat.completion', created: 1, model: String(body.model) };
    if (!stream) {
      const message = {
        role: 'assistant',
        content: turn.text,
        refusal: null,
        ...(calls.length ? { tool_calls: calls } : {}),
      };
      return [JSON.stringify({ ...base, choices: [{ index: 0, message, finish_reason: finish }], usage: USAGE })];
    }
    const chunk = (delta: Json, finishReason: string | null = null) =>
      data({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] });
    const events = [chunk({ role: 'assistant', content: '' }), chunk({ content: turn.text })];
    calls.forEach((call, index) => {
      events.push(
        chunk({
          tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }],
        }),
      );
      events.push(chunk({ tool_calls: [{ index, function: { arguments: call.function.arguments } }] }));
    });
    events.push(chunk({}, finish));
    if ((body.stream_options as Json | undefined)?.include_usage)
      events.push(data({ ...base, object: 'chat.completion.chunk', choices: [], usage: USAGE }));
    events.push('data: [DONE]\n\n');
    return events;
  },
};

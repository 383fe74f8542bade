import { SseParser } from '../../../src/proxy/sse';
import type { ApiKit, ClientAnswer, Json } from './apiKit';
import { openaiErrorBody } from './openaiChatKit';

type Item = Json & { type?: string; id?: string; call_id?: string; name?: string };
const USAGE = { input_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens: 10, total_tokens: 110 };
const CALL_TYPES = new Set(['function_call', 'custom_tool_call']);
const OUTPUT_TYPES = new Set(['function_call_output', 'custom_tool_call_output']);
/** For each reasoning item the fake produced, the item it produced it for: the API insists they travel together. */
const followerOf = new Map<string, string>();
const event = (type: string, value: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...value })}\n\n`;

/** OpenAI Responses: Codex's requests (`store: false`, reasoning), the API's item rules, its response and event shapes. */
export const openaiResponsesKit: ApiKit = {
  name: 'OpenAI Responses',
  path: () => '/v1/responses',
  headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
  roundInputTokens: USAGE.input_tokens,

  firstRequest: ({ stream, output }) => ({
    model: 'gpt-5-codex',
    stream,
    store: false,
    reasoning: { effort: 'low' },
    include: ['reasoning.encrypted_content'],
    instructions: 'You are Codex, a coding agent.',
    tools: [{ type: 'function', name: 'shell', parameters: { type: 'object' } }],
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Which nodes had data TLB errors?' }] },
      { type: 'function_call', id: 'fc_0', call_id: 'call_0', name: 'shell', arguments: '{"cmd":"cat bgl.log"}' },
      { type: 'function_call_output', call_id: 'call_0', output },
    ],
  }),

  read(body, stream) {
    let response: Json;
    const streamedItems: Item[] = [];
    if (!stream) response = JSON.parse(body) as Json;
    else {
      const events = new SseParser().push(body).map((e) => ({ name: e.event, data: JSON.parse(e.data) as Json }));
      const count = (name: string) => events.filter((e) => e.name === name).length;
      if (
        count('response.created') !== 1 ||
        count('response.completed') !== 1 ||
        events.at(-1)?.name !== 'response.completed'
      )
        throw new Error('a stream has one response.created and ends with its one response.completed');
      events.forEach((e, i) => {
        if (e.data.sequence_number !== i) throw new Error(`sequence_number ${String(e.data.sequence_number)} at ${i}`);
      });
      for (const e of events)
        if (e.name === 'response.output_item.added' && e.data.output_index !== streamedItems.length)
          throw new Error(`output_index ${String(e.data.output_index)} where ${streamedItems.length} was next`);
        else if (e.name === 'response.output_item.added') streamedItems.push(e.data.item as Item);
      response = events.at(-1)!.data.response as Json;
    }
    const output = response.output as Item[];
    if (stream && streamedItems.map((i) => i.id).join() !== output.map((i) => i.id).join())
      throw new Error('the streamed items are the completed response’s output, in order');
    return {
      text: output
        .filter((i) => i.type === 'message')
        .flatMap((i) => i.content as Json[])
        .map((p) => String(p.text))
        .join(''),
      calls: output
        .filter((i) => CALL_TYPES.has(String(i.type)))
        .map((i) => ({ id: String(i.call_id), name: String(i.name) })),
      turn: output,
      inputTokens: Number((response.usage as Json | undefined)?.input_tokens ?? 0),
    } satisfies ClientAnswer;
  },

  nextRequest: (previous, answer, results) => ({
    ...previous,
    input: [
      ...(previous.input as Json[]),
      ...answer.turn,
      ...(results.length > 0
        ? results.map((r) => ({ type: 'function_call_output', call_id: r.id, output: r.text }))
        : [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Thanks. And the first node?' }] }]),
    ],
  }),
  toolNames: (body) => ((body.tools as Json[] | undefined) ?? []).map((t) => String(t.name)),

  matches: (path) => path === '/v1/responses',
  validate(body) {
    const input = body.input;
    if (!Array.isArray(input)) return "Invalid type for 'input': expected a string or an array.";
    const names = openaiResponsesKit.toolNames(body);
    if (new Set(names).size !== names.length) return "Invalid 'tools': duplicate function name.";
    const items = input as Item[];
    const calls = new Set<string>();
    const answered = new Set<string>();
    for (const [i, item] of items.entries()) {
      if (
        (item.type === 'message' || item.type === undefined) &&
        typeof item.content !== 'string' &&
        !Array.isArray(item.content)
      )
        return `Invalid type for 'input[${i}].content': expected one of an array of objects or string, but got ${typeof item.content} instead.`;
      if (item.type === 'reasoning') {
        const next = items[i + 1];
        const wanted = followerOf.get(String(item.id));
        if (!next || next.type === 'reasoning' || (wanted !== undefined && next.id !== wanted))
          return `Item '${String(item.id)}' of type 'reasoning' was provided without its required following item.`;
      }
      if (item.id !== undefined) {
        const reasoning = [...followerOf].find(([, follower]) => follower === item.id)?.[0];
        if (reasoning && items[i - 1]?.id !== reasoning)
          return `Item '${String(item.id)}' of type '${String(item.type)}' was provided without its required 'reasoning' item: '${reasoning}'.`;
      }
      if (CALL_TYPES.has(String(item.type))) calls.add(String(item.call_id));
      if (OUTPUT_TYPES.has(String(item.type))) {
        if (!calls.has(String(item.call_id)))
          return `No tool call found for function call output with call_id ${String(item.call_id)}.`;
        answered.add(String(item.call_id));
      }
    }
    const unanswered = [...calls].find((id) => !answered.has(id));
    if (unanswered) return `No tool output found for function call ${unanswered}.`;
    return undefined;
  },
  errorBody: openaiErrorBody,
  view(body) {
    const names = new Map<string, string>();
    const outputs: Array<{ callId: string; name: string; text: string }> = [];
    for (const item of body.input as Item[]) {
      if (CALL_TYPES.has(String(item.type))) names.set(String(item.call_id), String(item.name));
      if (OUTPUT_TYPES.has(String(item.type)))
        outputs.push({
          callId: String(item.call_id),
          name: names.get(String(item.call_id)) ?? '',
          text: Array.isArray(item.output)
            ? (item.output as Json[]).map((p) => String(p.text ?? '')).join('\n')
            : String(item.output),
        });
    }
    return { outputs, tools: openaiResponsesKit.toolNames(body) };
  },
  respond(turn, body, stream, n) {
    // A reasoning model's output: its message, then a reasoning item before the calls it decided on.
    const output: Item[] = [
      {
        type: 'message',
        id: `msg_${n}`,
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: turn.text, annotations: [] }],
      },
    ];
    if (turn.calls.length > 0) {
      const reasoning = { type: 'reasoning', id: `rs_${n}`, summary: [], encrypted_content: `enc_${n}` };
      output.push(reasoning);
      turn.calls.forEach((c, k) =>
        output.push({
          type: 'function_call',
          id: `fc_${n}_${k}`,
          call_id: c.id,
          name: c.name,
          arguments: JSON.stringify(c.args),
          status: 'completed',
        }),
      );
      followerOf.set(reasoning.id, `fc_${n}_0`);
    }
    const response = { id: `resp_${n}`, object: 'response', status: 'completed', model: String(body.model) };
    if (!stream) return [JSON.stringify({ ...response, output, usage: USAGE })];
    let sequence = 0;
    const events: string[] = [];
    const emit = (type: string, value: Json) => events.push(event(type, { ...value, sequence_number: sequence++ }));
    emit('response.created', { response: { ...response, status: 'in_progress', output: [] } });
    emit('response.in_progress', { response: { ...response, status: 'in_progress', output: [] } });
    output.forEach((item, index) => {
      emit('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress' } });
      if (item.type === 'message') {
        const text = String((item.content as Json[])[0].text);
        emit('response.output_text.delta', { output_index: index, item_id: item.id, content_index: 0, delta: text });
        emit('response.output_text.done', { output_index: index, item_id: item.id, content_index: 0, text });
      }
      if (item.type === 'function_call')
        emit('response.function_call_arguments.done', {
          output_index: index,
          item_id: item.id,
          arguments: item.arguments,
        });
      emit('response.output_item.done', { output_index: index, item });
    });
    emit('response.completed', { response: { ...response, output, usage: USAGE } });
    return events;
  },
};

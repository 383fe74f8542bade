import type { IncomingMessage } from 'node:http';
import { alignOpenAIRequest } from '../../core/cacheAligner';
import { parsedArguments } from '../../core/messages/formats';
import { RETRIEVE_TOOL_DESCRIPTION, RETRIEVE_TOOL_NAME, RETRIEVE_TOOL_PARAMETERS } from '../../core/retrieveAnswer';
import { isRecord } from '../../shared/isRecord';
import { withRetrieveTool } from '../retrieval/retrieveTool';
import { modelField, promptCachedUsage, tokenCount, type Dialect, type Json } from './dialect';
import { JsonEventRelay } from './jsonEventRelay';

type ToolCall = { id: string; type: 'function'; function: { name: string; arguments: string } };
type Choice = Json & { message?: Json & { content?: string | null; tool_calls?: ToolCall[] } };

const isRetrieve = (call: ToolCall) => call.function?.name === RETRIEVE_TOOL_NAME;
const choiceOf = (answer: Json): Choice | undefined => (answer.choices as Choice[] | undefined)?.[0];
const callsOf = (answer: Json): ToolCall[] => choiceOf(answer)?.message?.tool_calls ?? [];
const dataEvent = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

/** OpenAI's error body, as Chat Completions, Responses and its other routes answer one. */
export const openaiErrorBody = (message: string) => ({
  error: { message, type: 'server_error', param: null, code: 'headroom_error' },
});

const retrieveTool = {
  type: 'function',
  function: { name: RETRIEVE_TOOL_NAME, description: RETRIEVE_TOOL_DESCRIPTION, parameters: RETRIEVE_TOOL_PARAMETERS },
};

/** OpenAI's Chat Completions (`/v1/chat/completions`), which most agents and gateways speak. */
export const openaiChat: Dialect = {
  name: 'openai-chat',
  provider: 'openai',
  format: 'openai-chat',
  retrieveTool,
  errors: {
    json: openaiErrorBody,
    event: (message, upstream) =>
      dataEvent(isRecord(upstream) && isRecord(upstream.error) ? upstream : openaiErrorBody(message)),
  },

  route: (path) => (path === '/v1/chat/completions' ? 'retrieval-loop' : undefined),
  conversation: (body) => (Array.isArray(body.messages) ? body.messages : undefined),
  withConversation: (body, messages) => ({ ...body, messages }),
  align: (body) => alignOpenAIRequest(body, 'openai-chat'),
  withRetrieveTool: (body) => ({ ...body, tools: withRetrieveTool(body.tools, retrieveTool) }),
  streams: (body) => body.stream === true,

  usageOf: (answer) => answer.usage,
  readUsage: (usage, model) =>
    isRecord(usage) && 'prompt_tokens' in usage
      ? promptCachedUsage(
          {
            prompt: usage.prompt_tokens,
            cached: (usage.prompt_tokens_details as Json | undefined)?.cached_tokens,
            output: tokenCount(usage.completion_tokens),
          },
          model,
        )
      : undefined,
  modelOf: modelField,

  retrieveCalls: (answer) =>
    callsOf(answer)
      .filter(isRetrieve)
      .map((call) => ({ id: call.id, input: parsedArguments(call.function.arguments || '{}') })),
  clientCallIds: (answer) =>
    callsOf(answer)
      .filter((call) => !isRetrieve(call))
      .map((call) => call.id),
  continued: (messages, answer, results) => [
    ...messages,
    { role: 'assistant', content: choiceOf(answer)?.message?.content ?? null, tool_calls: callsOf(answer) },
    ...results.map((r) => ({ role: 'tool', tool_call_id: r.id, content: r.content })),
  ],
  merged(rounds, summedUsage) {
    const final = rounds[rounds.length - 1];
    const choice = choiceOf(final);
    if (!choice?.message || (rounds.length === 1 && !callsOf(final).some(isRetrieve))) return final;
    const text = rounds.map((a) => choiceOf(a)?.message?.content ?? '').join('');
    const clientCalls = rounds.flatMap((a) => callsOf(a).filter((call) => !isRetrieve(call)));
    const message: Json = { ...choice.message, content: text || choice.message.content || null };
    if (clientCalls.length > 0) message.tool_calls = clientCalls;
    else delete message.tool_calls;
    const finish =
      clientCalls.length > 0 ? 'tool_calls' : choice.finish_reason === 'tool_calls' ? 'stop' : choice.finish_reason;
    const choices = [{ ...choice, message, finish_reason: finish }, ...(final.choices as Json[]).slice(1)];
    return { ...final, choices, ...(summedUsage ? { usage: summedUsage } : {}) };
  },
  streamRelay: (res, usage) => new ChatStreamRelay(res, usage),
};

type CallPart = Json & { index: number; id?: string; function?: Json };

/**
 * Relays the rounds of one streamed completion as one: one id, text as it comes, retrieve calls
 * hidden, the client's tool calls of every round held back and sent at the end, numbered from
 * 0, then one finish chunk, the summed usage (when the client asked for it) and one [DONE].
 */
class ChatStreamRelay extends JsonEventRelay {
  private completionId: unknown;
  private rounds = 0;
  /** Each client tool call's chunks, from every round so far. */
  private readonly held: Json[][] = [];

  async round(response: IncomingMessage, lastRound: boolean): Promise<Json | undefined> {
    this.rounds++;
    const calls = new Map<number, ToolCall>();
    const heldHere = new Map<number, Json[]>();
    let text = '';
    let finish: Json | undefined;
    let roundUsage: unknown;
    let usageChunk: Json | undefined;
    // The relay writes the one [DONE] of the whole answer itself.
    for await (const { event, data: chunk } of this.events(response, (data) => data === '[DONE]')) {
      this.completionId ??= chunk.id;
      if (typeof chunk.model === 'string') this.usage.model = chunk.model;
      if (chunk.usage) {
        roundUsage = chunk.usage;
        usageChunk = chunk;
      }
      const choice = (chunk.choices as Json[] | undefined)?.[0];
      if (!choice) continue;
      const delta = (choice.delta ?? {}) as Json & { tool_calls?: CallPart[] };
      const parts = delta.tool_calls ?? [];
      for (const part of parts) {
        const call = calls.get(part.index) ?? { id: '', type: 'function', function: { name: '', arguments: '' } };
        if (part.id) call.id = part.id;
        if (part.function?.name) call.function.name += String(part.function.name);
        if (part.function?.arguments) call.function.arguments += String(part.function.arguments);
        calls.set(part.index, call);
        const chunks = heldHere.get(part.index) ?? [];
        chunks.push({ ...chunk, choices: [{ ...choice, delta: { tool_calls: [part] }, finish_reason: null }] });
        heldHere.set(part.index, chunks);
      }
      if (typeof delta.content === 'string') text += delta.content;
      if (choice.finish_reason) {
        finish = chunk;
        continue;
      }
      const visible: Json = { ...delta };
      delete visible.tool_calls;
      if (parts.length === 0 && this.rounds === 1) await this.write(event.raw);
      else if (Object.keys(visible).length > 0)
        await this.write(dataEvent({ ...chunk, id: this.completionId, choices: [{ ...choice, delta: visible }] }));
    }
    this.usage.add(roundUsage);
    const retrieveCalls = [...calls.values()].filter(isRetrieve);
    for (const [index, chunks] of heldHere) if (!isRetrieve(calls.get(index)!)) this.held.push(chunks);
    if (retrieveCalls.length > 0 && !lastRound)
      return { choices: [{ message: { role: 'assistant', content: text || null, tool_calls: [...calls.values()] } }] };

    for (const [n, chunks] of this.held.entries())
      for (const chunk of chunks) {
        const choice = (chunk.choices as Json[])[0];
        const [part] = (choice.delta as { tool_calls: CallPart[] }).tool_calls;
        await this.write(
          dataEvent({
            ...chunk,
            id: this.completionId,
            choices: [{ ...choice, delta: { tool_calls: [{ ...part, index: n }] } }],
          }),
        );
      }
    if (finish) {
      const choice = { ...(finish.choices as Json[])[0] };
      if (this.held.length > 0) choice.finish_reason = 'tool_calls';
      else if (choice.finish_reason === 'tool_calls') choice.finish_reason = 'stop';
      const delta = { ...(choice.delta as Json) };
      delete delta.tool_calls;
      await this.write(
        dataEvent({ ...finish, id: this.completionId, choices: [{ ...choice, delta }], usage: undefined }),
      );
    }
    if (usageChunk)
      await this.write(
        dataEvent({
          ...usageChunk,
          id: this.completionId,
          choices: [],
          usage: this.rounds === 1 ? usageChunk.usage : this.usage.summed,
        }),
      );
    await this.write('data: [DONE]\n\n');
    return undefined;
  }
}

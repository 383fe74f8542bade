import type { IncomingMessage } from 'node:http';
import { SseParser } from '../sse';
import { openUpstream, readResponseText, relay } from '../upstream';
import { guardLoop, MAX_ROUNDS, sendFinal, startStreamRound, type ErrorShapes, type LoopRequest } from './loopSupport';
import type { ProviderUsage } from '../usageObserver';
import { answerRetrieve, RETRIEVE_TOOL_NAME } from '../../core/retrieveAnswer';
import { writeWithBackpressure } from './streamWriter';
import { RoundUsage } from './usage';

type Json = Record<string, unknown>;
type ToolCall = { id: string; type: 'function'; function: { name: string; arguments: string } };
const ERRORS: ErrorShapes = {
  json: (message) => ({ error: { type: 'server_error', message } }),
  event: (message) => `data: ${JSON.stringify({ error: { type: 'server_error', message } })}\n\n`,
};

export type ChatRequest = LoopRequest<Json & { messages: unknown[] }>;

/**
 * The Chat Completions counterpart of the Anthropic loop: the model's headroom_retrieve
 * calls are answered by the proxy and the conversation continued upstream, and the client
 * receives one completion (one stream ending in one [DONE]) with usage summed.
 */
export async function chatWithRetrieval(request: ChatRequest): Promise<ProviderUsage | undefined> {
  return guardLoop(request.res, request.state, ERRORS, () =>
    request.body.stream === true ? streamed(request) : whole(request),
  );
}

function send(request: ChatRequest, messages: unknown[]): Promise<IncomingMessage> {
  return openUpstream(
    request.url,
    'POST',
    request.headers,
    Buffer.from(JSON.stringify({ ...request.body, messages }), 'utf8'),
    request.res,
  );
}

async function continued(
  request: ChatRequest,
  messages: unknown[],
  content: string | null,
  calls: ToolCall[],
): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const call of calls) {
    let input: unknown;
    try {
      input = JSON.parse(call.function.arguments || '{}');
    } catch {
      input = {};
    }
    const answer = await answerRetrieve(input, request.state.store);
    request.state.totals.retrievals++;
    results.push({ role: 'tool', tool_call_id: call.id, content: answer.content });
  }
  return [...messages, { role: 'assistant', content, tool_calls: calls }, ...results];
}

const isRetrieve = (call: ToolCall) => call.function?.name === RETRIEVE_TOOL_NAME;

async function whole(request: ChatRequest): Promise<ProviderUsage | undefined> {
  const { res } = request;
  let messages = request.body.messages;
  let shownText = '';
  const usage = new RoundUsage();
  for (let round = 0; ; round++) {
    const response = await send(request, messages);
    if (response.statusCode !== 200 || !/json/.test(String(response.headers['content-type'])))
      return relay(response, res);
    const completion = JSON.parse(await readResponseText(response)) as Json & {
      choices: Array<Json & { message: Json & { tool_calls?: ToolCall[]; content?: string | null } }>;
    };
    usage.add(completion.usage);
    const choice = completion.choices[0];
    const calls = (choice?.message.tool_calls ?? []).filter(isRetrieve);
    if (calls.length === 0 || round === MAX_ROUNDS - 1) {
      if (choice) {
        const clientCalls = (choice.message.tool_calls ?? []).filter((c) => !isRetrieve(c));
        const message: Json = {
          ...choice.message,
          content: `${shownText}${choice.message.content ?? ''}` || choice.message.content || null,
        };
        if (clientCalls.length > 0) message.tool_calls = clientCalls;
        else delete message.tool_calls;
        choice.message = message as typeof choice.message;
        if (calls.length > 0 && clientCalls.length === 0 && choice.finish_reason === 'tool_calls')
          choice.finish_reason = 'stop';
      }
      const answer = round === 0 ? completion : { ...completion, usage: usage.summed };
      sendFinal(response, res, answer);
      return usage.report(typeof completion.model === 'string' ? completion.model : undefined);
    }
    shownText += choice.message.content ?? '';
    messages = await continued(request, messages, choice.message.content ?? null, calls);
  }
}

async function streamed(request: ChatRequest): Promise<ProviderUsage | undefined> {
  const { res } = request;
  let messages = request.body.messages;
  const usage = new RoundUsage();
  let model: string | undefined;
  let completionId: string | undefined;
  const write = (text: string) => writeWithBackpressure(res, text);

  for (let round = 0; ; round++) {
    const response = await send(request, messages);
    const start = await startStreamRound(response, res, round, ERRORS);
    if (start.kind === 'done') return start.usage ?? usage.report(model);

    const lastRound = round === MAX_ROUNDS - 1;
    const parser = new SseParser();
    const calls = new Map<number, ToolCall & { hidden: boolean }>();
    const held: Json[] = [];
    let roundText = '';
    let finish: Json | undefined;
    let roundUsage: unknown;
    let usageChunk: Json | undefined;
    response.setEncoding('utf8');
    for await (const piece of response) {
      for (const event of parser.push(piece as string)) {
        if (event.data === '[DONE]') continue;
        let chunk: Json;
        try {
          chunk = JSON.parse(event.data) as Json;
        } catch {
          await write(event.raw);
          continue;
        }
        completionId ??= chunk.id as string | undefined;
        if (typeof chunk.model === 'string') model = chunk.model;
        if (chunk.usage) {
          roundUsage = chunk.usage;
          usageChunk = chunk;
        }
        const choice = (chunk.choices as Json[] | undefined)?.[0];
        if (!choice) continue;
        const delta = (choice.delta ?? {}) as Json & {
          tool_calls?: Array<Json & { index: number; id?: string; function?: Json }>;
        };
        for (const part of delta.tool_calls ?? []) {
          const call = calls.get(part.index) ?? {
            id: '',
            type: 'function' as const,
            function: { name: '', arguments: '' },
            hidden: false,
          };
          if (part.id) call.id = part.id;
          if (part.function?.name) call.function.name += String(part.function.name);
          if (part.function?.arguments) call.function.arguments += String(part.function.arguments);
          call.hidden = isRetrieve(call);
          calls.set(part.index, call);
        }
        if (typeof delta.content === 'string') roundText += delta.content;
        if (choice.finish_reason) finish = chunk;
        const visible: Json = { ...delta };
        delete visible.tool_calls;
        const hasToolParts = (delta.tool_calls ?? []).length > 0;
        if (hasToolParts)
          held.push({
            ...chunk,
            id: completionId,
            choices: [{ ...choice, delta: { tool_calls: delta.tool_calls }, finish_reason: null }],
          });
        if (choice.finish_reason) continue;
        if (!hasToolParts || Object.keys(visible).length > 0) {
          if (!hasToolParts && round === 0) await write(event.raw);
          else if (Object.keys(visible).length > 0)
            await write(
              `data: ${JSON.stringify({ ...chunk, id: completionId, choices: [{ ...choice, delta: visible }] })}\n\n`,
            );
        }
      }
    }
    usage.add(roundUsage);
    const retrieveCalls = [...calls.values()].filter((c) => c.hidden);
    if (retrieveCalls.length > 0 && !lastRound) {
      messages = await continued(
        request,
        messages,
        roundText || null,
        retrieveCalls.map(({ hidden: _hidden, ...call }) => call),
      );
      continue;
    }
    const hiddenIndices = new Set([...calls.entries()].filter(([, c]) => c.hidden).map(([i]) => i));
    for (const chunk of held) {
      const choice = (chunk.choices as Json[])[0];
      const parts = ((choice.delta as Json).tool_calls as Array<Json & { index: number }>).filter(
        (p) => !hiddenIndices.has(p.index),
      );
      if (parts.length > 0)
        await write(
          `data: ${JSON.stringify({ ...chunk, choices: [{ ...choice, delta: { tool_calls: parts } }] })}\n\n`,
        );
    }
    if (finish) {
      const choice = { ...(finish.choices as Json[])[0] };
      const clientCalls = [...calls.values()].filter((c) => !c.hidden).length;
      if (choice.finish_reason === 'tool_calls' && clientCalls === 0) choice.finish_reason = 'stop';
      const delta = { ...(choice.delta as Json) };
      delete delta.tool_calls;
      await write(
        `data: ${JSON.stringify({ ...finish, id: completionId, choices: [{ ...choice, delta }], usage: undefined })}\n\n`,
      );
    }
    if (usageChunk)
      await write(
        `data: ${JSON.stringify({ ...usageChunk, id: completionId, choices: [], usage: round === 0 ? usageChunk.usage : usage.summed })}\n\n`,
      );
    await write('data: [DONE]\n\n');
    res.end();
    return usage.report(model);
  }
}

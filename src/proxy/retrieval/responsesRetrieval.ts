import type { IncomingMessage } from 'node:http';
import { formatEvent, SseParser } from '../sse';
import { openUpstream, readResponseText, relay } from '../upstream';
import type { ProviderUsage } from '../usageObserver';
import { guardLoop, MAX_ROUNDS, sendFinal, startStreamRound, type ErrorShapes, type LoopRequest } from './loopSupport';
import { answerRetrieve, RETRIEVE_TOOL_NAME } from '../../core/retrieveAnswer';
import { writeWithBackpressure } from './streamWriter';
import { RoundUsage, type Usage } from './usage';

type Json = Record<string, unknown>;
type Item = Json & { type: string; name?: string; call_id?: string; arguments?: string };
export type ResponsesRequest = LoopRequest<Json & { input: unknown[] }>;

const ERRORS: ErrorShapes = {
  json: (message) => ({ error: { type: 'server_error', message } }),
  event: (message) => formatEvent('error', { type: 'error', code: 'server_error', message }),
};

const isRetrieve = (item: Item | undefined) => item?.type === 'function_call' && item.name === RETRIEVE_TOOL_NAME;
const isClientCall = (item: Item | undefined) =>
  (item?.type === 'function_call' || item?.type === 'custom_tool_call') && item.name !== RETRIEVE_TOOL_NAME;

/**
 * The Responses API counterpart of the other loops: the proxy answers the model's
 * headroom_retrieve function calls and continues with the whole input (so it works with
 * store: false, as Codex sends), and the client receives one response: one
 * response.created, output indices and sequence numbers renumbered, retrieve calls hidden,
 * client calls held back until the round ends, one response.completed with usage summed.
 */
export function responsesWithRetrieval(request: ResponsesRequest): Promise<ProviderUsage | undefined> {
  return guardLoop(request.res, request.state, ERRORS, () =>
    request.body.stream === true ? streamed(request) : whole(request),
  );
}

function send(request: ResponsesRequest, input: unknown[]): Promise<IncomingMessage> {
  return openUpstream(
    request.url,
    'POST',
    request.headers,
    Buffer.from(JSON.stringify({ ...request.body, input }), 'utf8'),
    request.res,
  );
}

async function continued(request: ResponsesRequest, input: unknown[], output: Item[]): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const call of output.filter(isRetrieve)) {
    let args: unknown;
    try {
      args = JSON.parse(call.arguments || '{}');
    } catch {
      args = {};
    }
    const answer = await answerRetrieve(args, request.state.store);
    request.state.totals.retrievals++;
    results.push({ type: 'function_call_output', call_id: call.call_id, output: answer.content });
  }
  return [...input, ...output.filter((item) => !isClientCall(item)), ...results];
}

/** usage.total_tokens and friends summed; the rest of the final response as the upstream sent it. */
function finalResponse(response: Json, shown: Item[], usage: Usage, rounds: number, firstId: unknown): Json {
  const output = [...shown, ...((response.output as Item[]) ?? []).filter((item) => !isRetrieve(item))];
  return { ...response, id: firstId ?? response.id, output, ...(rounds > 1 ? { usage } : {}) };
}

async function whole(request: ResponsesRequest): Promise<ProviderUsage | undefined> {
  const { res } = request;
  let input = request.body.input;
  const shown: Item[] = [];
  const usage = new RoundUsage();
  let firstId: unknown;
  for (let round = 0; ; round++) {
    const response = await send(request, input);
    if (response.statusCode !== 200 || !/json/.test(String(response.headers['content-type'])))
      return relay(response, res);
    const body = JSON.parse(await readResponseText(response)) as Json & { output?: Item[] };
    body.output ??= [];
    firstId ??= body.id;
    usage.add(body.usage);
    const output = body.output;
    const calls = output.filter(isRetrieve);
    if (calls.length === 0 || round === MAX_ROUNDS - 1) {
      const answer = finalResponse(body, shown, usage.summed, round + 1, firstId);
      sendFinal(response, res, answer);
      return usage.report(typeof body.model === 'string' ? body.model : undefined);
    }
    shown.push(...output.filter((item) => !isRetrieve(item) && !isClientCall(item)));
    input = await continued(request, input, output);
  }
}

async function streamed(request: ResponsesRequest): Promise<ProviderUsage | undefined> {
  const { res } = request;
  let input = request.body.input;
  const usage = new RoundUsage();
  const shown: Item[] = [];
  let firstId: unknown;
  let sequence = 0;
  let nextIndex = 0;
  let model: string | undefined;
  const emit = (event: string, data: Json) =>
    writeWithBackpressure(
      res,
      formatEvent(event, 'sequence_number' in data ? { ...data, sequence_number: sequence++ } : data),
    );

  for (let round = 0; ; round++) {
    const response = await send(request, input);
    const start = await startStreamRound(response, res, round, ERRORS);
    if (start.kind === 'done') return start.usage ?? usage.report(model);

    const lastRound = round === MAX_ROUNDS - 1;
    const parser = new SseParser();
    const kindOf = new Map<number, 'hidden' | 'held' | 'shown'>();
    const indexOf = new Map<number, number>();
    const held: Array<[string, Json]> = [];
    const done: Item[] = [];
    let completed: Json | undefined;
    response.setEncoding('utf8');
    for await (const piece of response) {
      for (const event of parser.push(piece as string)) {
        let data: Json;
        try {
          data = JSON.parse(event.data) as Json;
        } catch {
          await writeWithBackpressure(res, event.raw);
          continue;
        }
        const type = event.event !== 'message' ? event.event : String(data.type);
        if (type === 'response.created' || type === 'response.in_progress') {
          firstId ??= (data.response as Json | undefined)?.id;
          if (round === 0) await emit(type, data);
          continue;
        }
        if (type === 'response.completed') {
          completed = data.response as Json;
          continue;
        }
        if (typeof data.output_index !== 'number') {
          await emit(type, data);
          continue;
        }
        const upstreamIndex = data.output_index;
        if (type === 'response.output_item.added') {
          const item = data.item as Item;
          kindOf.set(upstreamIndex, isRetrieve(item) ? 'hidden' : isClientCall(item) ? 'held' : 'shown');
        }
        if (type === 'response.output_item.done') done.push(data.item as Item);
        const kind = kindOf.get(upstreamIndex) ?? 'shown';
        if (kind === 'hidden') continue;
        if (kind === 'held') {
          held.push([type, data]);
          continue;
        }
        if (!indexOf.has(upstreamIndex)) indexOf.set(upstreamIndex, nextIndex++);
        await emit(type, { ...data, output_index: indexOf.get(upstreamIndex) });
      }
    }
    if (!completed) {
      res.end();
      return usage.report(model);
    }
    if (typeof completed.model === 'string') model = completed.model;
    usage.add(completed.usage);
    const output = (completed.output as Item[] | undefined) ?? done;
    if (output.some(isRetrieve) && !lastRound) {
      shown.push(...output.filter((item) => !isRetrieve(item) && !isClientCall(item)));
      input = await continued(request, input, output);
      continue;
    }
    for (const [type, data] of held) {
      const upstreamIndex = data.output_index as number;
      if (!indexOf.has(upstreamIndex)) indexOf.set(upstreamIndex, nextIndex++);
      await emit(type, { ...data, output_index: indexOf.get(upstreamIndex) });
    }
    await emit('response.completed', {
      type: 'response.completed',
      response: finalResponse(completed, shown, usage.summed, round + 1, firstId),
      sequence_number: 0,
    });
    res.end();
    return usage.report(model);
  }
}

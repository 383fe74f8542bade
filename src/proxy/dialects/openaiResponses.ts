import type { IncomingMessage } from 'node:http';
import { alignOpenAIRequest } from '../../core/cacheAligner';
import { parsedArguments } from '../../core/messages/formats';
import { RETRIEVE_TOOL_DESCRIPTION, RETRIEVE_TOOL_NAME, RETRIEVE_TOOL_PARAMETERS } from '../../core/retrieveAnswer';
import { isRecord } from '../../shared/isRecord';
import { withRetrieveTool } from '../retrieval/retrieveTool';
import { formatEvent } from '../sse';
import { modelField, promptCachedUsage, tokenCount, type Dialect, type Json } from './dialect';
import { openaiErrorBody } from './openaiChat';
import { JsonEventRelay } from './jsonEventRelay';

type Item = Json & { type: string; name?: string; call_id?: string; arguments?: string };
type Kind = 'retrieve' | 'client' | 'shown';

const isRetrieve = (item: Item) => item.type === 'function_call' && item.name === RETRIEVE_TOOL_NAME;
const isClientCall = (item: Item) =>
  (item.type === 'function_call' || item.type === 'custom_tool_call') && item.name !== RETRIEVE_TOOL_NAME;
const kindOf = (item: Item): Kind => (isRetrieve(item) ? 'retrieve' : isClientCall(item) ? 'client' : 'shown');
const outputOf = (answer: Json): Item[] => (Array.isArray(answer.output) ? (answer.output as Item[]) : []);

/**
 * Output items in groups: each item with the reasoning items right before it, which the API
 * requires to travel together (a reasoning item without its following item is rejected).
 */
function groups(output: Item[]): Array<{ kind: Kind; items: Item[] }> {
  const out: Array<{ kind: Kind; items: Item[] }> = [];
  let reasoning: Item[] = [];
  for (const item of output) {
    if (item.type === 'reasoning') {
      reasoning.push(item);
      continue;
    }
    out.push({ kind: kindOf(item), items: [...reasoning, item] });
    reasoning = [];
  }
  if (reasoning.length > 0) out.push({ kind: 'shown', items: reasoning });
  return out;
}

const retrieveTool = {
  type: 'function',
  name: RETRIEVE_TOOL_NAME,
  description: RETRIEVE_TOOL_DESCRIPTION,
  parameters: RETRIEVE_TOOL_PARAMETERS,
};

/** OpenAI's Responses API (`/v1/responses`), as Codex and the OpenAI SDKs speak it; works with `store: false`. */
export const openaiResponses: Dialect = {
  name: 'openai-responses',
  provider: 'openai',
  format: 'openai-responses',
  retrieveTool,
  errors: {
    json: openaiErrorBody,
    event: (message, upstream) => {
      const error = isRecord(upstream) && isRecord(upstream.error) ? upstream.error : undefined;
      return formatEvent('error', {
        type: 'error',
        code: error ? (error.code ?? error.type ?? null) : 'server_error',
        message: typeof error?.message === 'string' ? error.message : message,
        param: error?.param ?? null,
      });
    },
  },

  route: (path) => (path === '/v1/responses' ? 'retrieval-loop' : undefined),
  conversation: (body) => (Array.isArray(body.input) ? body.input : undefined),
  withConversation: (body, input) => ({ ...body, input }),
  align: (body) => alignOpenAIRequest(body, 'openai-responses'),
  withRetrieveTool: (body) => ({ ...body, tools: withRetrieveTool(body.tools, retrieveTool) }),
  streams: (body) => body.stream === true,

  usageOf: (answer) => answer.usage,
  readUsage: (usage, model) =>
    isRecord(usage) && 'input_tokens' in usage
      ? promptCachedUsage(
          {
            prompt: usage.input_tokens,
            cached: (usage.input_tokens_details as Json | undefined)?.cached_tokens,
            output: tokenCount(usage.output_tokens),
          },
          model,
        )
      : undefined,
  modelOf: modelField,

  retrieveCalls: (answer) =>
    outputOf(answer)
      .filter(isRetrieve)
      .map((item) => ({ id: String(item.call_id), input: parsedArguments(item.arguments || '{}') })),
  clientCallIds: (answer) =>
    outputOf(answer)
      .filter(isClientCall)
      .map((item) => String(item.call_id)),
  continued(input, answer, results) {
    const output = outputOf(answer);
    const typeOf = new Map(output.map((item) => [item.call_id, item.type]));
    return [
      ...input,
      ...output,
      ...results.map((r) => ({
        type: typeOf.get(r.id) === 'custom_tool_call' ? 'custom_tool_call_output' : 'function_call_output',
        call_id: r.id,
        output: r.content,
      })),
    ];
  },
  merged(rounds, summedUsage) {
    const final = rounds[rounds.length - 1];
    if (rounds.length === 1 && !outputOf(final).some(isRetrieve)) return final;
    const all = rounds.flatMap((answer) => groups(outputOf(answer)));
    const pick = (kind: Kind) => all.filter((g) => g.kind === kind).flatMap((g) => g.items);
    return {
      ...final,
      id: rounds[0].id ?? final.id,
      output: [...pick('shown'), ...pick('client')],
      ...(summedUsage ? { usage: summedUsage } : {}),
    };
  },
  streamRelay: (res, usage) => new ResponsesStreamRelay(res, usage),
};

type Event = [type: string, data: Json];

/**
 * Relays the rounds of one streamed response as one: one response.created, output indices and
 * sequence numbers renumbered, retrieve calls hidden with their reasoning, the client's calls
 * of every round held back (with their reasoning) and sent at the end, one response.completed
 * with the merged output and usage summed.
 */
class ResponsesStreamRelay extends JsonEventRelay {
  private rounds: Json[] = [];
  private sequence = 0;
  private nextIndex = 0;
  private firstId: unknown;
  /** Output index on the client for each round's upstream index, keyed `round:index`. */
  private readonly indexOf = new Map<string, number>();
  /** The events of the client's calls (and their reasoning), from every round so far, keyed as above. */
  private readonly held: Array<[key: string, Event]> = [];

  async round(response: IncomingMessage, lastRound: boolean): Promise<Json | undefined> {
    const round = this.rounds.length;
    const kinds = new Map<number, Kind | 'pending'>();
    /** Reasoning items waiting for the item they belong to. */
    let pending: Array<[number, Event]> = [];
    const done: Item[] = [];
    let completed: Json | undefined;
    const key = (index: number) => `${round}:${index}`;
    const settle = async (kind: Kind) => {
      for (const [index, event] of pending) {
        kinds.set(index, kind);
        if (kind === 'shown') await this.emitItemEvent(key(index), event);
        else if (kind === 'client') this.held.push([key(index), event]);
      }
      pending = [];
    };

    for await (const { event, data } of this.events(response)) {
      const type = event.event !== 'message' ? event.event : String(data.type);
      if (type === 'response.created' || type === 'response.in_progress') {
        this.firstId ??= (data.response as Json | undefined)?.id;
        if (round === 0) await this.emit(type, data);
        continue;
      }
      if (type === 'response.completed') {
        completed = data.response as Json;
        continue;
      }
      if (typeof data.output_index !== 'number') {
        await this.emit(type, data);
        continue;
      }
      const index = data.output_index;
      if (type === 'response.output_item.added') {
        const item = data.item as Item;
        if (item.type === 'reasoning') kinds.set(index, 'pending');
        else {
          kinds.set(index, kindOf(item));
          await settle(kindOf(item));
        }
      }
      if (type === 'response.output_item.done') done.push(data.item as Item);
      const kind = kinds.get(index) ?? 'shown';
      if (kind === 'pending') pending.push([index, [type, data]]);
      else if (kind === 'client') this.held.push([key(index), [type, data]]);
      else if (kind === 'shown') await this.emitItemEvent(key(index), [type, data]);
    }
    await settle('shown');
    if (!completed) return undefined;
    if (typeof completed.model === 'string') this.usage.model = completed.model;
    this.usage.add(completed.usage);
    const answer = { ...completed, output: outputOf(completed).length > 0 ? outputOf(completed) : done };
    this.rounds.push(answer);
    if (outputOf(answer).some(isRetrieve) && !lastRound) return answer;

    for (const [heldKey, event] of this.held) await this.emitItemEvent(heldKey, event);
    const merged = openaiResponses.merged(this.rounds, this.rounds.length > 1 ? this.usage.summed : undefined);
    await this.emit('response.completed', {
      type: 'response.completed',
      response: { ...merged, id: this.firstId ?? merged.id },
      sequence_number: 0,
    });
    return undefined;
  }

  private emitItemEvent(key: string, [type, data]: Event): Promise<void> {
    let index = this.indexOf.get(key);
    if (index === undefined) {
      index = this.nextIndex++;
      this.indexOf.set(key, index);
    }
    return this.emit(type, { ...data, output_index: index });
  }

  private emit(type: string, data: Json): Promise<void> {
    const numbered = 'sequence_number' in data ? { ...data, sequence_number: this.sequence++ } : data;
    return this.write(formatEvent(type, numbered));
  }
}

import type { IncomingMessage } from 'node:http';
import { alignAnthropicRequest } from '../../core/cacheAligner';
import { RETRIEVE_TOOL_DESCRIPTION, RETRIEVE_TOOL_NAME, RETRIEVE_TOOL_PARAMETERS } from '../../core/retrieveAnswer';
import { isRecord } from '../../shared/isRecord';
import { BlockAssembler, type ContentBlock } from '../retrieval/anthropicBlocks';
import { withRetrieveTool } from '../retrieval/retrieveTool';
import type { Usage } from '../retrieval/usage';
import { formatEvent, type SseEvent } from '../sse';
import { modelField, tokenCount, type Dialect, type Json } from './dialect';
import { JsonEventRelay } from './jsonEventRelay';

const isRetrieveCall = (block: unknown): boolean =>
  isRecord(block) && block.type === 'tool_use' && block.name === RETRIEVE_TOOL_NAME;
const isClientToolCall = (block: unknown): boolean =>
  isRecord(block) && block.type === 'tool_use' && block.name !== RETRIEVE_TOOL_NAME;
const contentOf = (answer: Json): ContentBlock[] => (Array.isArray(answer.content) ? answer.content : []);

const retrieveTool = {
  name: RETRIEVE_TOOL_NAME,
  description: RETRIEVE_TOOL_DESCRIPTION,
  input_schema: RETRIEVE_TOOL_PARAMETERS,
};

/** Anthropic's Messages API (`/v1/messages`), as Claude Code and the Anthropic SDKs speak it. */
export const anthropicMessages: Dialect = {
  name: 'anthropic-messages',
  provider: 'anthropic',
  format: 'anthropic',
  retrieveTool,
  errors: {
    json: (message, type = 'api_error') => ({ type: 'error', error: { type, message } }),
    event: (message, upstream) =>
      formatEvent(
        'error',
        isRecord(upstream) && upstream.type === 'error' && isRecord(upstream.error)
          ? upstream
          : { type: 'error', error: { type: 'api_error', message } },
      ),
  },

  route: (path) =>
    path === '/v1/messages' ? 'retrieval-loop' : path === '/v1/messages/count_tokens' ? 'count-only' : undefined,
  conversation: (body) => (Array.isArray(body.messages) ? body.messages : undefined),
  withConversation: (body, messages) => ({ ...body, messages }),
  align: alignAnthropicRequest,
  withRetrieveTool: (body) => ({ ...body, tools: withRetrieveTool(body.tools, retrieveTool) }),
  streams: (body) => body.stream === true,

  usageOf: (answer) => answer.usage,
  readUsage(usage, model) {
    if (!isRecord(usage) || !('input_tokens' in usage)) return undefined;
    return {
      input: tokenCount(usage.input_tokens),
      output: tokenCount(usage.output_tokens),
      cacheRead: tokenCount(usage.cache_read_input_tokens),
      cacheWrite: tokenCount(usage.cache_creation_input_tokens),
      cacheWrite1h: tokenCount((usage.cache_creation as Json | undefined)?.ephemeral_1h_input_tokens),
      model,
    };
  },
  modelOf: modelField,

  retrieveCalls: (answer) =>
    contentOf(answer)
      .filter(isRetrieveCall)
      .map((block) => ({ id: String(block.id), input: block.input })),
  clientCallIds: (answer) =>
    contentOf(answer)
      .filter(isClientToolCall)
      .map((block) => String(block.id)),
  continued: (messages, answer, results) => [
    ...messages,
    { role: 'assistant', content: contentOf(answer) },
    {
      role: 'user',
      content: results.map((r) => ({
        type: 'tool_result',
        tool_use_id: r.id,
        content: r.content,
        ...(r.isError ? { is_error: true } : {}),
      })),
    },
  ],
  merged(rounds, summedUsage) {
    const final = rounds[rounds.length - 1];
    if (rounds.length === 1 && !contentOf(final).some(isRetrieveCall)) return final;
    const shown = rounds.flatMap((a) => contentOf(a).filter((b) => !isRetrieveCall(b) && !isClientToolCall(b)));
    const calls = rounds.flatMap((a) => contentOf(a).filter(isClientToolCall));
    const stopReason =
      calls.length > 0 ? 'tool_use' : final.stop_reason === 'tool_use' ? 'end_turn' : final.stop_reason;
    return {
      ...final,
      content: [...shown, ...calls],
      stop_reason: stopReason,
      ...(summedUsage ? { usage: summedUsage } : {}),
    };
  },
  streamRelay: (res, usage) => new MessagesStreamRelay(res, usage),
};

/**
 * Relays the rounds of one streamed answer as a single message: the first message_start
 * only, block indices renumbered across rounds, retrieve calls hidden, client tool calls of
 * every round held back and sent at the end of the last, usage summed in the final message_delta.
 */
class MessagesStreamRelay extends JsonEventRelay {
  private startSent = false;
  private nextIndex = 0;
  private rounds = 0;
  private retrieved = false;
  /** The events of each client tool call, from every round so far. */
  private readonly held: SseEvent[][] = [];

  async round(response: IncomingMessage, lastRound: boolean): Promise<Json | undefined> {
    this.rounds++;
    const assembler = new BlockAssembler();
    const visibleIndex = new Map<number, number>();
    const heldHere = new Map<number, SseEvent[]>();
    const hidden = new Set<number>();
    let continuing = false;
    /** Within one message, message_delta's counts are cumulative and supersede message_start's. */
    const roundUsage: Usage = {};

    const forwardBlockEvent = async (event: SseEvent, index: number, mapping: Map<number, number>) => {
      let mapped = mapping.get(index);
      if (mapped === undefined) {
        mapped = this.nextIndex++;
        mapping.set(index, mapped);
      }
      await this.write(
        mapped === index
          ? event.raw
          : formatEvent(event.event, { ...(JSON.parse(event.data) as object), index: mapped }),
      );
    };

    for await (const { event, data } of this.events(response)) {
      const index = typeof data.index === 'number' ? data.index : -1;
      switch (event.event) {
        case 'message_start': {
          const message = data.message as { usage?: Usage; model?: string } | undefined;
          Object.assign(roundUsage, message?.usage);
          this.usage.model ??= message?.model;
          if (!this.startSent) await this.write(event.raw);
          this.startSent = true;
          break;
        }
        case 'content_block_start': {
          const block = data.content_block as ContentBlock;
          assembler.start(index, block);
          if (isRetrieveCall(block)) hidden.add(index);
          else if (isClientToolCall(block)) {
            const events = [event];
            heldHere.set(index, events);
            this.held.push(events);
          } else await forwardBlockEvent(event, index, visibleIndex);
          break;
        }
        case 'content_block_delta':
        case 'content_block_stop':
          if (event.event === 'content_block_delta') assembler.delta(index, data.delta as Json);
          else assembler.stop(index);
          if (hidden.has(index)) break;
          if (heldHere.has(index)) heldHere.get(index)!.push(event);
          else await forwardBlockEvent(event, index, visibleIndex);
          break;
        case 'message_delta': {
          this.usage.add({ ...roundUsage, ...(data.usage as Usage | undefined) });
          if (hidden.size > 0) this.retrieved = true;
          if (hidden.size > 0 && !lastRound) {
            continuing = true;
            break;
          }
          for (const events of this.held) {
            const mapping = new Map<number, number>();
            for (const heldEvent of events)
              await forwardBlockEvent(heldEvent, (JSON.parse(heldEvent.data) as { index: number }).index, mapping);
          }
          if (this.rounds === 1 && !this.retrieved) {
            await this.write(event.raw);
            break;
          }
          const delta = { ...(data.delta as Json) };
          if (this.held.length > 0) delta.stop_reason = 'tool_use';
          else if (delta.stop_reason === 'tool_use') delta.stop_reason = 'end_turn';
          await this.write(formatEvent('message_delta', { ...data, delta, usage: { ...this.usage.summed } }));
          break;
        }
        case 'message_stop':
          if (!continuing) await this.write(event.raw);
          break;
        default:
          await this.write(event.raw);
      }
    }
    return continuing ? { content: assembler.all() } : undefined;
  }
}

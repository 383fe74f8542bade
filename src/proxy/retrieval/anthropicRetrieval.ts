import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import type { ProxyState } from '../proxyState';
import { formatEvent, SseParser, type SseEvent } from '../sse';
import { openUpstream, readResponseText, relay } from '../upstream';
import { guardLoop, MAX_ROUNDS, sendFinal, startStreamRound, type ErrorShapes, type LoopRequest } from './loopSupport';
import type { ProviderUsage } from '../usageObserver';
import { BlockAssembler, type ContentBlock } from './anthropicBlocks';
import { answerRetrieve, RETRIEVE_TOOL_NAME } from '../../core/retrieveAnswer';
import { writeWithBackpressure } from './streamWriter';
import { RoundUsage, type Usage } from './usage';

export type AnthropicRequest = LoopRequest<Record<string, unknown> & { messages: unknown[]; stream?: unknown }>;

const ERRORS: ErrorShapes = {
  json: (message) => ({ type: 'error', error: { type: 'api_error', message } }),
  event: (message) => formatEvent('error', { type: 'error', error: { type: 'api_error', message } }),
};

const isRetrieveCall = (block: ContentBlock | undefined): boolean =>
  block?.type === 'tool_use' && block.name === RETRIEVE_TOOL_NAME;
const isClientToolCall = (block: ContentBlock | undefined): boolean =>
  block?.type === 'tool_use' && block.name !== RETRIEVE_TOOL_NAME;

/**
 * Sends a Messages request upstream and answers the model's headroom_retrieve calls itself,
 * continuing the conversation upstream (up to MAX_ROUNDS calls), so the client receives one
 * answer with no trace of the retrieval: one message, consistent block indices, usage summed.
 * When the same answer also calls the client's tools, the retrievals are resolved first and
 * the model asked again.
 */
export async function messagesWithRetrieval(request: AnthropicRequest): Promise<ProviderUsage | undefined> {
  return guardLoop(request.res, request.state, ERRORS, () =>
    request.body.stream === true ? streamed(request) : whole(request),
  );
}

function send(request: AnthropicRequest, messages: unknown[]): Promise<IncomingMessage> {
  const body = Buffer.from(JSON.stringify({ ...request.body, messages }), 'utf8');
  return openUpstream(request.url, 'POST', request.headers, body, request.res);
}

async function resolveCalls(calls: ContentBlock[], state: ProxyState): Promise<ContentBlock[]> {
  const results: ContentBlock[] = [];
  for (const call of calls) {
    const answer = await answerRetrieve(call.input, state.store);
    state.totals.retrievals++;
    results.push({
      type: 'tool_result',
      tool_use_id: call.id,
      content: answer.content,
      ...(answer.isError ? { is_error: true } : {}),
    });
  }
  return results;
}

/** The conversation continued with the model's retrieve calls and their answers; its calls to client tools are left out. */
function continued(messages: unknown[], blocks: ContentBlock[], results: ContentBlock[]): unknown[] {
  return [
    ...messages,
    { role: 'assistant', content: blocks.filter((b) => !isClientToolCall(b)) },
    { role: 'user', content: results },
  ];
}

async function whole(request: AnthropicRequest): Promise<ProviderUsage | undefined> {
  const { res, state } = request;
  let messages = request.body.messages;
  const shown: ContentBlock[] = [];
  const usage = new RoundUsage();
  for (let round = 0; ; round++) {
    const response = await send(request, messages);
    if (response.statusCode !== 200 || !/json/.test(String(response.headers['content-type'])))
      return relay(response, res);
    const message = JSON.parse(await readResponseText(response)) as Record<string, unknown> & {
      content: ContentBlock[];
    };
    usage.add(message.usage);
    const calls = message.content.filter(isRetrieveCall);
    if (calls.length === 0 || round === MAX_ROUNDS - 1) {
      const visible = message.content.filter((b) => !isRetrieveCall(b));
      const answer: Record<string, unknown> = {
        ...message,
        content: [...shown, ...visible],
        usage: round === 0 ? message.usage : usage.summed,
      };
      if (calls.length > 0 && !visible.some(isClientToolCall)) answer.stop_reason = 'end_turn';
      sendFinal(response, res, answer);
      return usage.report(typeof message.model === 'string' ? message.model : undefined);
    }
    shown.push(...message.content.filter((b) => b.type !== 'tool_use'));
    messages = continued(messages, message.content, await resolveCalls(calls, state));
  }
}

async function streamed(request: AnthropicRequest): Promise<ProviderUsage | undefined> {
  const { res, state } = request;
  const relayState = new StreamRelay(res);
  let messages = request.body.messages;
  for (let round = 0; ; round++) {
    const response = await send(request, messages);
    const start = await startStreamRound(response, res, round, ERRORS);
    if (start.kind === 'done') return start.usage ?? relayState.totalUsage();
    const outcome = await relayState.round(response, round === MAX_ROUNDS - 1);
    if (!outcome) {
      res.end();
      return relayState.totalUsage();
    }
    messages = continued(messages, outcome.blocks, await resolveCalls(outcome.calls, state));
  }
}

/**
 * Relays the rounds of one streamed answer as a single message: the first message_start
 * only, block indices renumbered across rounds, retrieve calls hidden, client tool calls
 * held back until the round ends (dropped if it also retrieved), usage summed at the end.
 */
class StreamRelay {
  private startSent = false;
  private nextIndex = 0;
  private rounds = 0;
  private readonly usage = new RoundUsage();
  private model: string | undefined;

  constructor(private readonly res: Response) {}

  totalUsage(): ProviderUsage | undefined {
    return this.usage.report(this.model);
  }

  /** Relays one upstream stream; resolves with the retrieval to perform, or undefined when the answer is complete. */
  async round(
    response: IncomingMessage,
    lastRound: boolean,
  ): Promise<{ calls: ContentBlock[]; blocks: ContentBlock[] } | undefined> {
    this.rounds++;
    const parser = new SseParser();
    const assembler = new BlockAssembler();
    const visibleIndex = new Map<number, number>();
    const held = new Map<number, SseEvent[]>();
    const hidden = new Set<number>();
    let continuing = false;
    /** Within one message, message_delta's counts are cumulative and supersede message_start's. */
    const roundUsage: Usage = {};

    const forwardBlockEvent = async (event: SseEvent, index: number) => {
      let mapped = visibleIndex.get(index);
      if (mapped === undefined) {
        mapped = this.nextIndex++;
        visibleIndex.set(index, mapped);
      }
      await this.write(
        mapped === index
          ? event.raw
          : formatEvent(event.event, { ...(JSON.parse(event.data) as object), index: mapped }),
      );
    };

    response.setEncoding('utf8');
    for await (const chunk of response) {
      for (const event of parser.push(chunk as string)) {
        let data: Record<string, unknown>;
        try {
          data = JSON.parse(event.data) as Record<string, unknown>;
        } catch {
          await this.write(event.raw);
          continue;
        }
        const index = typeof data.index === 'number' ? data.index : -1;
        switch (event.event) {
          case 'message_start':
            Object.assign(roundUsage, (data.message as { usage?: Usage } | undefined)?.usage);
            this.model ??= (data.message as { model?: string } | undefined)?.model;
            if (!this.startSent) await this.write(event.raw);
            this.startSent = true;
            break;
          case 'content_block_start': {
            const block = data.content_block as ContentBlock;
            assembler.start(index, block);
            if (isRetrieveCall(block)) hidden.add(index);
            else if (isClientToolCall(block)) held.set(index, [event]);
            else await forwardBlockEvent(event, index);
            break;
          }
          case 'content_block_delta':
          case 'content_block_stop':
            if (event.event === 'content_block_delta') assembler.delta(index, data.delta as Record<string, unknown>);
            else assembler.stop(index);
            if (hidden.has(index)) break;
            if (held.has(index)) held.get(index)!.push(event);
            else await forwardBlockEvent(event, index);
            break;
          case 'message_delta': {
            this.usage.add({ ...roundUsage, ...(data.usage as Usage | undefined) });
            if (hidden.size > 0 && !lastRound) {
              continuing = true;
              break;
            }
            for (const [heldIndex, events] of held)
              for (const heldEvent of events) await forwardBlockEvent(heldEvent, heldIndex);
            if (this.rounds === 1 && hidden.size === 0) {
              await this.write(event.raw);
              break;
            }
            const delta = { ...(data.delta as object) } as Record<string, unknown>;
            if (hidden.size > 0 && held.size === 0 && delta.stop_reason === 'tool_use') delta.stop_reason = 'end_turn';
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
    }
    if (!continuing) return undefined;
    const blocks = assembler.all();
    return { calls: blocks.filter(isRetrieveCall), blocks };
  }

  private write(text: string): Promise<void> {
    return writeWithBackpressure(this.res, text);
  }
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countTokens } from '../../src/core/tokens';
import { anthropicRequestError } from '../../test/helpers/anthropicRules';
import { BillingError, PromptCacheBiller, type CacheBill } from '../../test/helpers/promptCacheBilling';

type Json = Record<string, unknown>;

/** What the upstream saw and billed for one request. */
export interface UpstreamCall {
  /** The request body as it arrived. */
  body: string;
  bill: CacheBill;
  outputTokens: number;
  /** Time spent in the fake itself (parsing, validating, billing), to take out of the lanes' latency. */
  ownMs: number;
}

/**
 * A stand-in for the Anthropic Messages API that replays a recorded session: each request is
 * answered with the answer the agent really got at that turn (set before the request is sent),
 * streamed when asked, with usage billed as the prompt cache bills it at the recorded time. A
 * request that breaks one of the API's rules gets the API's 400.
 */
export class ReplayUpstream {
  readonly calls: UpstreamCall[] = [];
  readonly rejected: string[] = [];
  private readonly biller = new PromptCacheBiller();
  private answer: Json[] = [];
  private now = 0;
  private server?: Server;
  url = '';

  /** The answer and the clock for the next request. */
  expect(answer: Json[], now: number): void {
    this.answer = answer;
    this.now = now;
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const started = performance.now();
      const text = Buffer.concat(chunks).toString('utf8');
      const reply = (status: number, message: string) => {
        this.rejected.push(message);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } }));
      };
      let body: Json;
      try {
        body = JSON.parse(text) as Json;
      } catch {
        return reply(400, 'The request body is not valid JSON.');
      }
      const broken = anthropicRequestError(body);
      if (broken) return reply(400, broken);
      let bill: CacheBill;
      try {
        bill = this.biller.bill(body, this.now);
      } catch (error) {
        if (error instanceof BillingError) return reply(400, error.message);
        throw error;
      }
      const outputTokens = countTokens(JSON.stringify(this.answer));
      this.calls.push({ body: text, bill, outputTokens, ownMs: performance.now() - started });
      const usage = {
        input_tokens: bill.input_tokens,
        cache_creation_input_tokens: bill.cache_creation_input_tokens,
        cache_read_input_tokens: bill.cache_read_input_tokens,
        cache_creation: bill.cache_creation,
      };
      const stopReason = this.answer.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
      const message = {
        id: `msg_replay_${this.calls.length}`,
        type: 'message',
        role: 'assistant',
        model: String(body.model),
        stop_sequence: null,
      };
      if (body.stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            ...message,
            content: this.answer,
            stop_reason: stopReason,
            usage: { ...usage, output_tokens: outputTokens },
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(streamEvents(message, this.answer, stopReason, usage, outputTokens).join(''));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

/** The answer as the Messages API streams it: one start, delta(s) and stop per content block. */
function streamEvents(message: Json, content: Json[], stopReason: string, usage: Json, outputTokens: number): string[] {
  const events: Json[] = [
    {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
    },
  ];
  content.forEach((block, index) => {
    const delta = (d: Json) => events.push({ type: 'content_block_delta', index, delta: d });
    if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      delta({ type: 'text_delta', text: block.text });
    } else if (block.type === 'thinking') {
      events.push({
        type: 'content_block_start',
        index,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      });
      delta({ type: 'thinking_delta', thinking: block.thinking });
      delta({ type: 'signature_delta', signature: block.signature ?? '' });
    } else if (block.type === 'tool_use') {
      events.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      delta({ type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) });
    } else {
      events.push({ type: 'content_block_start', index, content_block: block });
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push(
    {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: outputTokens },
    },
    { type: 'message_stop' },
  );
  return events.map((event) => `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
}

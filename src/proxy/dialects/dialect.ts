import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import type { MessageFormat } from '../../core/messages/formats';
import type { ProviderUsage } from '../usageObserver';
import type { RoundUsage } from '../retrieval/usage';

export type Json = Record<string, unknown>;

/** Whose upstream a request goes to. */
export type Provider = 'anthropic' | 'openai' | 'gemini';

/**
 * What a conversation route does: offer the model the retrieve tool and answer its calls, or
 * only compress (count_tokens: the client asks what its own request costs, and sent no such tool).
 */
export type Retrieval = 'count-only' | 'retrieval-loop';

/** One `headroom_retrieve` call the model made, as the loop answers it. */
export interface RetrieveCall {
  id: string;
  input: unknown;
}

/** The answer to a call: a retrieval's text, or for a client tool call the note that it runs later. */
export interface CallResult {
  id: string;
  content: string;
  isError: boolean;
}

/** How the proxy's own failures reach a client of this API. */
export interface ErrorShapes {
  /** The body of an error answer; `type` is Anthropic's error type where the API has one. */
  json(message: string, type?: string): unknown;
  /**
   * An error event that ends a stream already under way: the upstream's own error (its parsed
   * error body, when it has this API's shape, so its type survives for the client's retry
   * logic), or Headroom's `message`.
   */
  event(message: string, upstream?: unknown): string;
}

/**
 * Relays the upstream rounds of one streamed answer as the single answer the client asked
 * for. One instance serves every round of a request and keeps what spans them (indices, held
 * client calls, the first round's opening events).
 */
export interface StreamRelay {
  /**
   * Relays one round. Resolves with that round's answer in the API's whole-answer shape when
   * its retrieve calls must be answered and the model asked again, or undefined once the client
   * has its complete answer.
   */
  round(response: IncomingMessage, lastRound: boolean): Promise<Json | undefined>;
}

/**
 * Everything the proxy needs to know about one provider API. The route, the compression step
 * and the retrieval loop are the same for all of them; a new API is one more dialect.
 */
export interface Dialect {
  /** For logs and tests. */
  readonly name: string;
  readonly provider: Provider;
  /** How the engine reads the conversation's tool outputs. */
  readonly format: MessageFormat;
  /** The retrieve tool's definition as this API declares tools. */
  readonly retrieveTool: unknown;
  readonly errors: ErrorShapes;

  /** What the route at this path (and query string) does, or undefined when it is not a conversation route. */
  route(path: string, query: URLSearchParams): Retrieval | undefined;
  /** The conversation in a request body, or undefined when the body holds none. */
  conversation(body: Json): unknown[] | undefined;
  withConversation(body: Json, conversation: unknown[]): Json;
  /** The request with its cache prefix aligned (CacheAligner). */
  align(body: Json): Json;
  /** The request with the retrieve tool declared, last; the route adds it when it answers retrieve calls. */
  withRetrieveTool(body: Json): Json;
  /** Whether the client asked for a streamed answer. */
  streams(body: Json, path: string): boolean;

  /** The raw usage block of a whole answer, and how to read one. */
  usageOf(answer: Json): unknown;
  readUsage(usage: unknown, model?: string): ProviderUsage | undefined;
  modelOf(answer: Json): string | undefined;

  /** The retrieve calls in a whole answer. */
  retrieveCalls(answer: Json): RetrieveCall[];
  /**
   * The conversation continued after a round: the model's turn as it came (client tool calls
   * included, so pairing and reasoning stay intact), then every call's result.
   */
  continued(conversation: unknown[], answer: Json, results: CallResult[]): unknown[];
  /** The client tool calls in a whole answer, which the loop answers with a note that they run later. */
  clientCallIds(answer: Json): string[];
  /**
   * The one answer the client receives for all rounds: what each round showed, the client's
   * tool calls of every round last, no trace of the retrieval; usage summed when there were rounds.
   */
  merged(rounds: Json[], summedUsage: Json | undefined): Json;
  /** A relay for one streamed request. */
  streamRelay(res: Response, usage: RoundUsage): StreamRelay;
}

/** A token count from a usage block: any finite number, else 0. */
export const tokenCount = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Usage as the APIs that count cached tokens inside the prompt report it (OpenAI, Gemini): no cache writes billed apart. */
export function promptCachedUsage(
  figures: { prompt: unknown; cached: unknown; output: number },
  model: string | undefined,
): ProviderUsage {
  const cached = tokenCount(figures.cached);
  return {
    input: tokenCount(figures.prompt) - cached,
    output: figures.output,
    cacheRead: cached,
    cacheWrite: 0,
    cacheWrite1h: 0,
    model,
  };
}

/** The model an answer names in its `model` field. */
export const modelField = (answer: Json): string | undefined =>
  typeof answer.model === 'string' ? answer.model : undefined;

import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Response } from 'express';
import { answerRetrieve } from '../../core/retrieveAnswer';
import { errorMessage } from '../../shared/errorMessage';
import type { CallResult, Dialect, ErrorShapes, Json } from '../dialects/dialect';
import type { ProxyState } from '../proxyState';
import { copyHeaders, openUpstream, readResponseText, relay, replyUnreachable, UpstreamUnreachable } from '../upstream';
import type { ProviderUsage } from '../usageObserver';
import { RoundUsage } from './usage';

/** At most this many upstream calls answer one client request; the last one's retrieve calls are dropped. */
export const MAX_ROUNDS = 3;

/**
 * What the model is told about a call to one of the client's tools made next to a retrieval:
 * the loop cannot run it, the client will, once the answer is complete.
 */
export const HELD_CALL_RESULT =
  'Headroom: this call goes to the client with your answer and runs then; its result comes in the next turn.';

/** One client request the loop answers: where to send it upstream, with which headers, and its rewritten body. */
export interface LoopRequest {
  res: Response;
  state: ProxyState;
  url: URL;
  headers: OutgoingHttpHeaders;
  body: Json;
  /** `body` as the first round sends it. */
  bytes: Buffer;
  /** Writes a continued body as JSON, keeping the client's number literals. */
  serialise: (body: Json) => Buffer;
}

/**
 * Sends a request upstream and answers the model's headroom_retrieve calls itself, continuing
 * the conversation upstream (up to MAX_ROUNDS calls), so the client receives one answer with no
 * trace of the retrieval: its calls to the client's own tools, from every round, arrive with it.
 */
export function answerWithRetrieval(dialect: Dialect, request: LoopRequest): Promise<ProviderUsage | undefined> {
  const usage = new RoundUsage(dialect.readUsage);
  return guardLoop(request.res, request.state, dialect.errors, () =>
    dialect.streams(request.body, request.url.pathname)
      ? streamed(dialect, request, usage)
      : whole(dialect, request, usage),
  );
}

/** Sends the request's first round as built, or the conversation continued after a retrieval. */
function send(dialect: Dialect, request: LoopRequest, continued?: unknown[]): Promise<IncomingMessage> {
  const body = continued ? request.serialise(dialect.withConversation(request.body, continued)) : request.bytes;
  return openUpstream(request.url, 'POST', request.headers, body, request.res);
}

/** The results the conversation continues with: each retrieval answered, each client call told it runs later. */
async function results(dialect: Dialect, answer: Json, state: ProxyState): Promise<CallResult[]> {
  const out: CallResult[] = [];
  for (const call of dialect.retrieveCalls(answer)) {
    const result = await answerRetrieve(call.input, state.store);
    state.totals.retrievals++;
    out.push({ id: call.id, content: result.content, isError: result.isError });
  }
  for (const id of dialect.clientCallIds(answer)) out.push({ id, content: HELD_CALL_RESULT, isError: false });
  return out;
}

async function whole(dialect: Dialect, request: LoopRequest, usage: RoundUsage): Promise<ProviderUsage | undefined> {
  const { res } = request;
  let conversation = dialect.conversation(request.body) ?? [];
  const rounds: Json[] = [];
  for (let round = 0; ; round++) {
    const response = await send(dialect, request, round === 0 ? undefined : conversation);
    if (response.statusCode !== 200 || !/json/.test(String(response.headers['content-type'])))
      return relay(response, res, dialect.readUsage);
    const answer = JSON.parse(await readResponseText(response)) as Json;
    usage.add(dialect.usageOf(answer));
    rounds.push(answer);
    usage.model = dialect.modelOf(answer) ?? usage.model;
    if (dialect.retrieveCalls(answer).length === 0 || round === MAX_ROUNDS - 1) {
      sendFinal(response, res, dialect.merged(rounds, round === 0 ? undefined : usage.summed));
      return usage.report();
    }
    conversation = dialect.continued(conversation, answer, await results(dialect, answer, request.state));
  }
}

async function streamed(dialect: Dialect, request: LoopRequest, usage: RoundUsage): Promise<ProviderUsage | undefined> {
  const { res } = request;
  const relayer = dialect.streamRelay(res, usage);
  let conversation = dialect.conversation(request.body) ?? [];
  for (let round = 0; ; round++) {
    const response = await send(dialect, request, round === 0 ? undefined : conversation);
    const start = await startStreamRound(response, res, round, dialect);
    if (start.kind === 'done') return start.usage ?? usage.report();
    const answer = await relayer.round(response, round === MAX_ROUNDS - 1);
    if (!answer) {
      if (!res.writableEnded) res.end();
      return usage.report();
    }
    conversation = dialect.continued(conversation, answer, await results(dialect, answer, request.state));
  }
}

/**
 * Runs a retrieval loop so that any failure reaches the client as a proper error: 502 when
 * the upstream is unreachable, an error status before the answer began, an error event in
 * the stream after it. A client that went away is not a failure.
 */
async function guardLoop(
  res: Response,
  state: ProxyState,
  shapes: ErrorShapes,
  run: () => Promise<ProviderUsage | undefined>,
): Promise<ProviderUsage | undefined> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UpstreamUnreachable) {
      replyUnreachable(res, error, shapes.json(error.message));
      return undefined;
    }
    if (res.destroyed) return undefined;
    const message = `Headroom failed while answering a retrieval: ${errorMessage(error)}`;
    state.recordFailure(message);
    if (!res.headersSent) res.status(500).json(shapes.json(message));
    else if (!res.writableEnded) res.end(shapes.event(message));
    return undefined;
  }
}

type RoundStart = { kind: 'stream' } | { kind: 'done'; usage?: ProviderUsage };

/**
 * Takes the upstream's answer to one round of a streamed request. The first round's stream
 * opens the client's stream; a first answer that is no stream (an error) is relayed
 * verbatim; a later answer that is no stream ends the client's stream with an error event.
 */
async function startStreamRound(
  response: IncomingMessage,
  res: Response,
  round: number,
  dialect: Dialect,
): Promise<RoundStart> {
  const isStream = response.statusCode === 200 && /event-stream/.test(String(response.headers['content-type']));
  if (round === 0) {
    if (!isStream) return { kind: 'done', usage: await relay(response, res, dialect.readUsage) };
    res.status(200);
    copyHeaders(response, res, ['content-length']);
    res.flushHeaders();
    return { kind: 'stream' };
  }
  if (isStream) return { kind: 'stream' };
  const detail = await readResponseText(response);
  let upstream: unknown;
  try {
    upstream = JSON.parse(detail);
  } catch {
    upstream = undefined;
  }
  const message = `Upstream answered ${response.statusCode} while Headroom continued after a retrieval: ${detail.slice(0, 1_000)}`;
  res.end(dialect.errors.event(message, upstream));
  return { kind: 'done' };
}

/** Answers the client with a loop's final JSON, under the last upstream answer's headers. */
function sendFinal(response: IncomingMessage, res: Response, answer: unknown): void {
  res.status(200);
  copyHeaders(response, res, ['content-length', 'content-encoding']);
  res.json(answer);
}

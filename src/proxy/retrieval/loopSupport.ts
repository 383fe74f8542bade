import type { Response } from 'express';
import type { ProxyState } from '../proxyState';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { copyHeaders, readResponseText, relay, replyUnreachable, UpstreamUnreachable } from '../upstream';
import type { ProviderUsage } from '../usageObserver';
import { errorMessage } from '../../shared/errorMessage';

/** At most this many upstream calls answer one client request; the last one's retrieve calls are dropped. */
export const MAX_ROUNDS = 3;

/** One client request a retrieval loop answers: where to send it upstream, with which headers, and its parsed body. */
export interface LoopRequest<Body> {
  res: Response;
  state: ProxyState;
  url: URL;
  headers: OutgoingHttpHeaders;
  body: Body;
}

/** How a failure inside a retrieval loop is told to the client, in its API's own error shapes. */
export interface ErrorShapes {
  json(message: string): unknown;
  event(message: string): string;
}

/**
 * Runs a retrieval loop so that any failure reaches the client as a proper error: 502 when
 * the upstream is unreachable, an error status before the answer began, an error event in
 * the stream after it. A client that went away is not a failure.
 */
export async function guardLoop(
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

export type RoundStart = { kind: 'stream' } | { kind: 'done'; usage?: ProviderUsage };

/**
 * Takes the upstream's answer to one round of a streamed request. The first round's stream
 * opens the client's stream; a first answer that is no stream (an error) is relayed
 * verbatim; a later answer that is no stream ends the client's stream with an error event.
 */
export async function startStreamRound(
  response: IncomingMessage,
  res: Response,
  round: number,
  shapes: ErrorShapes,
): Promise<RoundStart> {
  const isStream = response.statusCode === 200 && /event-stream/.test(String(response.headers['content-type']));
  if (round === 0) {
    if (!isStream) return { kind: 'done', usage: await relay(response, res) };
    res.status(200);
    copyHeaders(response, res, ['content-length']);
    res.flushHeaders();
    return { kind: 'stream' };
  }
  if (isStream) return { kind: 'stream' };
  const detail = (await readResponseText(response)).slice(0, 1_000);
  res.end(
    shapes.event(`Upstream answered ${response.statusCode} while Headroom continued after a retrieval: ${detail}`),
  );
  return { kind: 'done' };
}

/** Answers the client with a loop's final JSON, under the last upstream answer's headers. */
export function sendFinal(response: IncomingMessage, res: Response, answer: unknown): void {
  res.status(200);
  copyHeaders(response, res, ['content-length', 'content-encoding']);
  res.json(answer);
}

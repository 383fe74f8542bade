import { errorBodyFor } from './errorShape';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream';
import type { Request, Response } from 'express';
import { forwardableHeaders } from './headers';
import { isCorsHeader } from './security';
import { UsageObserver, type ProviderUsage, type UsageReader } from './usageObserver';

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

export interface ForwardOptions {
  /** The upstream base URL; a path in it (a gateway prefix) is kept before the request's path. */
  upstream: string;
  body: Buffer;
  /** Set when the body was rewritten: its encoding header no longer applies. */
  rewritten: boolean;
  /** How to read the answer's usage, when the caller records it. */
  readUsage?: UsageReader;
}

/** The URL on the upstream for this request: base path, then the request's path and query string, untouched. */
export function upstreamUrl(base: string, originalUrl: string): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/$/, '')}${originalUrl.split('?')[0]}`;
  url.search = originalUrl.includes('?') ? originalUrl.slice(originalUrl.indexOf('?')) : '';
  return url;
}

/** The client's headers as the upstream should see them. */
export function upstreamHeaders(
  req: Request,
  url: URL,
  rewritten: boolean,
  extra: OutgoingHttpHeaders = {},
): OutgoingHttpHeaders {
  const drop = ['host', 'content-length', ...(rewritten ? ['content-encoding'] : []), ...Object.keys(extra)];
  const headers = forwardableHeaders(req.headers, drop);
  // Headroom's own headers (its API secret, a team token, a project) are for Headroom alone.
  for (const name of Object.keys(headers)) if (name.startsWith('x-headroom-')) delete headers[name];
  return { ...headers, ...extra, host: url.host };
}

export class UpstreamUnreachable extends Error {
  constructor(
    readonly origin: string,
    cause: Error,
  ) {
    super(`Headroom could not reach the upstream ${origin}: ${cause.message}`);
  }
}

/**
 * Sends one request upstream and resolves with its response as soon as the headers arrive.
 * The request is aborted when `res` (our client) closes before the answer is complete. A
 * kept-alive connection the upstream closed just as it was reused fails before the upstream
 * read anything: that request is sent once more, on a new connection.
 */
export function openUpstream(
  url: URL,
  method: string,
  headers: OutgoingHttpHeaders,
  body: Buffer,
  res: Response,
  retried = false,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, {
      method,
      headers: { ...headers, 'content-length': String(body.length) },
      agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
    });
    const abort = () => {
      if (!res.writableFinished) request.destroy();
    };
    res.on('close', abort);
    request.on('response', (response) => {
      response.on('close', () => res.off('close', abort));
      resolve(response);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      res.off('close', abort);
      if (request.reusedSocket && error.code === 'ECONNRESET' && !retried && !res.writableFinished)
        resolve(openUpstream(url, method, headers, body, res, true));
      else reject(new UpstreamUnreachable(url.origin, error));
    });
    request.end(body);
  });
}

/**
 * Puts the upstream response's end-to-end headers on the client's response, less those named in
 * `drop` and any CORS header (a page must never be allowed to read an answer).
 */
export function copyHeaders(upstreamResponse: IncomingMessage, res: Response, drop: readonly string[] = []): void {
  for (const [name, value] of Object.entries(forwardableHeaders(upstreamResponse.headers, drop))) {
    if (value !== undefined && !isCorsHeader(name)) res.setHeader(name, value);
  }
}

/**
 * Copies an upstream response to the client as it arrives: status, headers and body
 * verbatim, with backpressure. Resolves with the provider's usage figures, read with
 * `readUsage`, if it gave any.
 */
export function relay(
  upstreamResponse: IncomingMessage,
  res: Response,
  readUsage?: UsageReader,
): Promise<ProviderUsage | undefined> {
  res.status(upstreamResponse.statusCode ?? 502);
  copyHeaders(upstreamResponse, res);
  res.flushHeaders();
  const observer =
    upstreamResponse.headers['content-encoding'] || !readUsage
      ? undefined
      : new UsageObserver(upstreamResponse.headers['content-type'], readUsage);
  if (observer) upstreamResponse.on('data', (chunk: Buffer) => observer.push(chunk));
  return new Promise((resolve) => pipeline(upstreamResponse, res, () => resolve(observer?.finish())));
}

export async function readResponseText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers the client when the upstream could not be reached, or cuts the stream if the answer had begun. */
export function replyUnreachable(res: Response, error: Error, body = errorBodyFor(res.req.path, error.message)): void {
  if (!res.headersSent) res.status(502).json(body);
  else res.destroy(error);
}

/** One request, passed through: the client's request upstream, the upstream's answer back. */
export async function forward(
  req: Request,
  res: Response,
  options: ForwardOptions,
): Promise<ProviderUsage | undefined> {
  const url = upstreamUrl(options.upstream, req.originalUrl);
  try {
    const response = await openUpstream(
      url,
      req.method,
      upstreamHeaders(req, url, options.rewritten),
      options.body,
      res,
    );
    return await relay(response, res, options.readUsage);
  } catch (error) {
    replyUnreachable(res, error as Error);
    return undefined;
  }
}

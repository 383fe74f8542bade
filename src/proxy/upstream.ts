import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream';
import type { Request, Response } from 'express';
import { forwardableHeaders } from './headers';

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

export interface ForwardOptions {
  /** The upstream base URL; a path in it (a gateway prefix) is kept before the request's path. */
  upstream: string;
  body: Buffer;
  /** Set when the body was rewritten: its encoding header no longer applies. */
  rewritten: boolean;
}

/** The URL on the upstream for this request: base path, then the request's path and query string, untouched. */
export function upstreamUrl(base: string, originalUrl: string): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/$/, '')}${originalUrl.split('?')[0]}`;
  url.search = originalUrl.includes('?') ? originalUrl.slice(originalUrl.indexOf('?')) : '';
  return url;
}

/**
 * Sends the request upstream and streams the answer back as it arrives: status, headers and
 * body verbatim (errors included), with backpressure. A client that goes away aborts the
 * upstream request.
 */
export function forward(req: Request, res: Response, options: ForwardOptions): Promise<void> {
  return new Promise((resolve) => {
    const url = upstreamUrl(options.upstream, req.originalUrl);
    const drop = ['host', 'content-length', ...(options.rewritten ? ['content-encoding'] : [])];
    const headers = { ...forwardableHeaders(req.headers, drop), host: url.host, 'content-length': String(options.body.length) };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstreamRequest = send(url, { method: req.method, headers, agent: url.protocol === 'https:' ? httpsAgent : httpAgent });

    const abortUpstream = () => {
      if (!res.writableFinished) upstreamRequest.destroy();
    };
    res.on('close', abortUpstream);

    upstreamRequest.on('response', (upstreamResponse: IncomingMessage) => {
      res.status(upstreamResponse.statusCode ?? 502);
      for (const [name, value] of Object.entries(forwardableHeaders(upstreamResponse.headers))) {
        if (value !== undefined) res.setHeader(name, value);
      }
      res.flushHeaders();
      pipeline(upstreamResponse, res, () => resolve());
    });
    upstreamRequest.on('error', (error) => {
      res.off('close', abortUpstream);
      if (!res.headersSent) {
        res.status(502).json({ type: 'error', error: { type: 'api_error', message: `Headroom could not reach the upstream ${url.origin}: ${error.message}` } });
      } else {
        res.destroy(error);
      }
      resolve();
    });
    upstreamRequest.end(options.body);
  });
}

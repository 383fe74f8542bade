import type { NextFunction, Request, Response } from 'express';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Content types a web page may POST without a CORS preflight (the Fetch standard's safelist). */
const SIMPLE_CONTENT_TYPES = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);

function refuse(res: Response, message: string): void {
  res.status(403).json({ type: 'error', error: { type: 'permission_error', message } });
}

/**
 * Refuses requests whose Host is not this machine (or, on a team proxy, one of the names it is
 * reached by), so a web page cannot reach the proxy through a DNS name rebound to its address.
 */
export function requireKnownHost(teamHosts: readonly string[] | '*' = []) {
  if (teamHosts === '*') return (_req: Request, _res: Response, next: NextFunction) => next();
  const known = new Set([...LOCAL_HOSTS, ...teamHosts.map((h) => h.toLowerCase())]);
  const names = [...known].join(', ');
  return (req: Request, res: Response, next: NextFunction): void => {
    const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    if (known.has(host)) return next();
    refuse(res, `Headroom only answers requests addressed to ${names}, not "${req.headers.host ?? ''}".`);
  };
}

/**
 * Refuses every request a web page can make. Browsers mark theirs: Origin on every cross-origin
 * request and on every POST, Sec-Fetch-Site and Sec-Fetch-Dest on all of them (node's fetch sends
 * only Sec-Fetch-Mode, so that one is no sign). A browser old enough to send none of these can
 * still POST without a preflight only with a form or text content type, which no agent uses.
 */
export function refuseBrowsers(req: Request, res: Response, next: NextFunction): void {
  const marked = ['origin', 'sec-fetch-site', 'sec-fetch-dest'].some((name) => req.headers[name] !== undefined);
  if (marked) return refuse(res, 'Headroom does not answer requests from web pages.');
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (req.method !== 'GET' && req.method !== 'HEAD' && SIMPLE_CONTENT_TYPES.has(type))
    return refuse(res, `Headroom takes JSON bodies (Content-Type: application/json), not ${type}.`);
  next();
}

/** Preflights are answered here, without CORS headers, so no page is ever allowed a cross-origin call. */
export function answerOptionsLocally(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'OPTIONS') return next();
  res.setHeader('allow', 'GET, HEAD, POST');
  res.status(204).end();
}

/** Upstream headers that would let a page read an answer (CORS), never relayed to the client. */
export const isCorsHeader = (name: string): boolean => name.startsWith('access-control-');

/**
 * Refuses paths with dot segments (`..`, `.`, also percent-encoded or behind a backslash, which
 * URL parsing treats the same): joined to an upstream's base path they would climb out of it,
 * e.g. from a gateway's `/anthropic` prefix to its `/admin`.
 */
export function refuseDotSegments(req: Request, res: Response, next: NextFunction): void {
  const path = req.originalUrl.split('?')[0];
  const climbs = path.split(/[/\\]/).some((segment) => {
    const decoded = segment.replace(/%2e/gi, '.');
    return decoded === '.' || decoded === '..';
  });
  if (!climbs) return next();
  res.status(400).json({
    type: 'error',
    error: { type: 'invalid_request_error', message: `Headroom refuses paths with "." or ".." segments: ${path}` },
  });
}

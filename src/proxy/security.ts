import type { NextFunction, Request, Response } from 'express';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Refuses requests whose Host is not this machine, so a web page cannot reach the proxy
 * through a DNS name rebound to 127.0.0.1.
 */
export function requireLocalHost(req: Request, res: Response, next: NextFunction): void {
  const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  if (LOCAL_HOSTS.has(host)) return next();
  res.status(403).json({
    type: 'error',
    error: {
      type: 'permission_error',
      message: `Headroom only answers requests addressed to localhost or 127.0.0.1, not "${req.headers.host ?? ''}".`,
    },
  });
}

/** Browsers send Origin; agents and our own extension do not. Headroom's own API is not for web pages. */
export function refuseBrowsers(req: Request, res: Response, next: NextFunction): void {
  if (req.headers.origin === undefined && req.headers['sec-fetch-site'] === undefined) return next();
  res.status(403).json({ error: 'The Headroom API does not answer browser requests.' });
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** The header the loopback API's clients prove with that they are the user who runs the proxy. */
export const API_TOKEN_HEADER = 'x-headroom-token';

/** A fresh secret for one proxy run; it reaches clients only through files readable by the user alone. */
export const newApiToken = (): string => randomBytes(32).toString('base64url');

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The token of an `Authorization: Bearer …` header, if the request has one. */
export const bearerToken = (req: Request): string | undefined =>
  /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];

/** Whether a header's value is this secret, compared in constant time. */
export function apiTokenMatcher(token: string): (given: unknown) => boolean {
  const expected = digest(token);
  return (given) => typeof given === 'string' && timingSafeEqual(digest(given), expected);
}

/**
 * Refuses requests without the proxy's secret (in the API token header, or as a bearer token,
 * which is what a Prometheus scrape sends): other users of the machine reach the loopback
 * port too, and the API lists previews and serves originals (which can hold secrets).
 */
export function requireApiToken(token: string) {
  const matches = apiTokenMatcher(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    // A team token admitted it already (see requireTeamToken).
    if (res.locals.requester !== undefined || matches(req.headers[API_TOKEN_HEADER]) || matches(bearerToken(req)))
      return next();
    res.status(401).json({
      error: `The Headroom API needs the ${API_TOKEN_HEADER} header with the secret in the proxy's discovery file.`,
    });
  };
}

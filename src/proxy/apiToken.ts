import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** The header the loopback API's clients prove with that they are the user who runs the proxy. */
export const API_TOKEN_HEADER = 'x-headroom-token';

/** A fresh secret for one proxy run; it reaches clients only through files readable by the user alone. */
export const newApiToken = (): string => randomBytes(32).toString('base64url');

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Refuses requests without the proxy's secret: other users of the machine reach the loopback
 * port too, and the API lists previews and serves originals (which can hold secrets).
 */
export function requireApiToken(token: string) {
  const expected = digest(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers[API_TOKEN_HEADER];
    if (typeof given === 'string' && timingSafeEqual(digest(given), expected)) return next();
    res.status(401).json({
      error: `The Headroom API needs the ${API_TOKEN_HEADER} header with the secret in the proxy's discovery file.`,
    });
  };
}

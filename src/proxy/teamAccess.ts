import type { NextFunction, Request, Response } from 'express';
import { TEAM_TOKEN_PREFIX, type Requester } from '../store/teamTokens';
import { API_TOKEN_HEADER, bearerToken } from './apiToken';
import { errorBodyFor } from './errorShape';

/** Names the project a team request is for, when its token does not (or should not) decide. */
export const PROJECT_HEADER = 'x-headroom-project';

/** How a proxy that serves a team admits requests. */
export interface TeamAccess {
  /** The user (and project) a token belongs to, or undefined for an unknown or revoked one. */
  verify(token: string): Requester | undefined;
  /** The names clients reach the proxy by (the Host check); `*` takes any, for a load balancer's probes by address. */
  hosts: readonly string[] | '*';
}

/** The requester a team token admitted, or undefined on a personal proxy. */
export const requesterOf = (res: Response): Requester | undefined => res.locals.requester as Requester | undefined;

/**
 * Admits only requests that carry a team token, in the API token header or as a bearer token
 * (Prometheus and probes send one), except the health route a load balancer probes. The token
 * and the project header are taken off the request, so neither ever reaches a provider.
 */
export function requireTeamToken(access: TeamAccess, isApiToken: (given: unknown) => boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    // The health route is what a load balancer probes; the API token is the local supervisor's.
    if (req.path === '/headroom/health' || isApiToken(req.headers[API_TOKEN_HEADER])) return next();
    // A provider's key may travel as a bearer token too: only a team token is taken for one.
    const authorization = bearerToken(req);
    const bearer = authorization?.startsWith(TEAM_TOKEN_PREFIX) ? authorization : undefined;
    const given = req.headers[API_TOKEN_HEADER] ?? bearer;
    const requester = typeof given === 'string' ? access.verify(given) : undefined;
    if (!requester) {
      res
        .status(401)
        .json(
          errorBodyFor(
            req.path,
            `This Headroom proxy serves a team: send your token (from \`headroom tokens add\`) in the ${API_TOKEN_HEADER} header.`,
            'authentication_error',
          ),
        );
      return;
    }
    const project = req.headers[PROJECT_HEADER];
    res.locals.requester = {
      user: requester.user,
      project: typeof project === 'string' && project.length > 0 ? project.slice(0, 64) : requester.project,
    } satisfies Requester;
    delete req.headers[API_TOKEN_HEADER];
    delete req.headers[PROJECT_HEADER];
    if (bearer) delete req.headers.authorization;
    next();
  };
}

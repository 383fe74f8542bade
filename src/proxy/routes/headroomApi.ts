import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { ENGINE_VERSION } from '../../core/engineVersion';
import {
  compressRequestSchema,
  parseWith,
  shareBodySchema,
  toggleRequestSchema,
  type HealthResponse,
  type ItemsResponse,
  type StatsResponse,
  type ToggleResponse,
} from '../api';
import { InvalidShare } from '../../store/sharedContext';
import { requireApiToken } from '../apiToken';
import { requesterOf } from '../teamAccess';
import { compressDirectly } from '../directCompression';
import type { ProxyState } from '../proxyState';

const DAY = 24 * 60 * 60 * 1000;
/** Direct compressions and shares take one tool output each, up to the size the MCP server accepts, JSON-escaped. */
const DIRECT_BODY_LIMIT = '256mb';

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function queryText(req: Request, name: string): string | undefined {
  return optionalString(req.query[name]);
}

/** A whole number from the query string, or undefined when absent or not one. */
function queryCount(req: Request, name: string): number | undefined {
  const value = queryText(req, name);
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** A request that does not fit its schema: 400 with what was wrong. */
function refuse(res: Response, error: string): void {
  res.status(400).json({ error });
}

/** Headroom's own loopback API, for the extension panel, the MCP server and the CLI. */
export function headroomApi(state: ProxyState): Router {
  const router = Router();

  // `?ready` makes it a readiness probe: 503 until the compression worker has loaded.
  router.get('/headroom/health', (req, res) => {
    const ready = state.compressionThread.ready;
    res.status(req.query.ready !== undefined && !ready ? 503 : 200).json({
      ok: true,
      engineVersion: ENGINE_VERSION,
      compression: state.compressionEnabled,
      warm: ready,
      team: state.config.team !== undefined,
      uptimeMs: Date.now() - state.startedAt,
      pid: process.pid,
    } satisfies HealthResponse);
  });

  router.use('/headroom', requireApiToken(state.apiToken));

  router.get('/headroom/stats', async (req, res) => {
    const { totals, stats } = state;
    const bucket = req.query.bucket === 'day' ? 'day' : 'hour';
    const since = Date.now() - (bucket === 'day' ? 30 * DAY : DAY);
    const [allTime, points, byKind, byTool, byUser, byProject, store] = await Promise.all([
      stats.summary(),
      stats.series(bucket, since),
      stats.savingsBy('kind'),
      stats.savingsBy('tool'),
      stats.savingsByRequester('user'),
      stats.savingsByRequester('project'),
      state.store.summary(),
    ]);
    res.json({
      compression: state.compressionEnabled,
      session: { ...totals, tokensSaved: totals.tokensBefore - totals.tokensAfter, since: state.startedAt },
      allTime,
      series: { bucket, points },
      byKind,
      byTool,
      byUser,
      byProject,
      lastError: state.lastError ?? null,
      relevance: state.relevance.status,
      store,
    } satisfies StatsResponse);
  });

  router.get('/headroom/items', async (req, res) => {
    res.json(
      (await state.stats.items({
        limit: queryCount(req, 'limit'),
        offset: queryCount(req, 'offset'),
        kind: queryText(req, 'kind'),
        tool: queryText(req, 'tool'),
        search: queryText(req, 'search'),
      })) satisfies ItemsResponse,
    );
  });

  router.get('/headroom/events', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(`event: hello\ndata: ${JSON.stringify({ compression: state.compressionEnabled })}\n\n`);
    const onRequest = (record: unknown) => res.write(`event: request\ndata: ${JSON.stringify(record)}\n\n`);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    state.on('request', onRequest);
    req.on('close', () => {
      clearInterval(heartbeat);
      state.off('request', onRequest);
    });
  });

  router.post('/headroom/toggle', express.json({ limit: '1kb' }), (req, res) => {
    // On a team's proxy compression is the operator's to switch (the API token), not one member's.
    if (requesterOf(res))
      return res
        .status(403)
        .json({ error: "Compression on a team's proxy is switched by its operator, not with a team token." });
    const body = parseWith(toggleRequestSchema, req.body ?? {});
    if (!body.ok) return refuse(res, `POST /headroom/toggle takes {"enabled"?: boolean} (${body.issues}).`);
    state.compressionEnabled = body.value.enabled ?? !state.compressionEnabled;
    res.json({ compression: state.compressionEnabled } satisfies ToggleResponse);
  });

  router.get('/headroom/retrieve/:hash', async (req, res) => {
    const outcome = await state.store.retrieve(req.params.hash, {
      query: queryText(req, 'query'),
      symbol: queryText(req, 'symbol'),
      offset: queryCount(req, 'offset'),
      limit: queryCount(req, 'limit'),
    });
    res.status(outcome.ok ? 200 : 404).json(outcome);
  });

  router.post('/headroom/compress', express.json({ limit: DIRECT_BODY_LIMIT }), async (req, res) => {
    const body = parseWith(compressRequestSchema, req.body ?? {});
    if (!body.ok)
      return refuse(
        res,
        `POST /headroom/compress takes {"content": string, "query"?: string, "kind"?: string} (${body.issues}).`,
      );
    res.json(
      await compressDirectly(body.value, state.store, (record, items) => state.recordRequest(record, items), {
        ...state.config,
        scorer: state.relevance.scorer,
      }),
    );
  });

  router.get('/headroom/shared', async (_req, res) => {
    res.json(await state.shared.list());
  });

  router.get('/headroom/shared/:key', async (req, res) => {
    const entry = await state.shared.get(req.params.key, { original: req.query.original === '1' });
    if (entry) res.json(entry);
    else res.status(404).json({ error: `Nothing is shared under "${req.params.key}".` });
  });

  router.put('/headroom/shared/:key', express.json({ limit: DIRECT_BODY_LIMIT }), async (req, res) => {
    const body = parseWith(shareBodySchema, req.body ?? {});
    if (!body.ok)
      return refuse(
        res,
        `PUT /headroom/shared/:key takes {"content": string, "agent": string, "query"?: string, "kind"?: string} (${body.issues}).`,
      );
    const { content, ...options } = body.value;
    res.json(
      await state.shared.put(req.params.key, content, {
        ...options,
        minTokens: state.config.minTokens,
        aggressiveness: state.config.aggressiveness,
      }),
    );
  });

  router.get('/headroom/items/:hash', async (req, res) => {
    const outcome = await state.store.retrieve(req.params.hash);
    if (outcome.ok) res.type('text/plain; charset=utf-8').send(outcome.part.content);
    else res.status(404).json({ error: outcome.error });
  });

  router.use('/headroom', (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (error instanceof InvalidShare) res.status(400).json({ error: error.message });
    else next(error);
  });
  return router;
}

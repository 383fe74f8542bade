import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { compressText } from '../../core/compressText';
import { ENGINE_VERSION } from '../../core/engineVersion';
import { CONTENT_KINDS, isAggressiveness, type ContentKind } from '../../core/types';
import type { HealthResponse, ItemsResponse, StatsResponse, ToggleResponse } from '../api';
import { InvalidShare } from '../../store/sharedContext';
import { directCompressionRecord } from '../../store/statsStore';
import type { ProxyState } from '../proxyState';
import { refuseBrowsers } from '../security';

const DAY = 24 * 60 * 60 * 1000;
/** Direct compressions and shares take one tool output each, up to the size the MCP server accepts, JSON-escaped. */
const DIRECT_BODY_LIMIT = '256mb';

function contentKind(value: unknown): ContentKind | undefined {
  return typeof value === 'string' && (CONTENT_KINDS as readonly string[]).includes(value) ? (value as ContentKind) : undefined;
}

function queryText(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

/** A whole number from the query string, or undefined when absent or not one. */
function queryCount(req: Request, name: string): number | undefined {
  const value = queryText(req, name);
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** Headroom's own loopback API, for the extension panel, the MCP server and the CLI. */
export function headroomApi(state: ProxyState): Router {
  const router = Router();
  router.use('/headroom', refuseBrowsers);

  router.get('/headroom/health', (_req, res) => {
    res.json({ ok: true, engineVersion: ENGINE_VERSION, compression: state.compressionEnabled, uptimeMs: Date.now() - state.startedAt, pid: process.pid } satisfies HealthResponse);
  });

  router.get('/headroom/stats', (req, res) => {
    const { totals, stats } = state;
    const bucket = req.query.bucket === 'day' ? 'day' : 'hour';
    const since = Date.now() - (bucket === 'day' ? 30 * DAY : DAY);
    res.json({
      compression: state.compressionEnabled,
      session: { ...totals, tokensSaved: totals.tokensBefore - totals.tokensAfter, since: state.startedAt },
      allTime: stats.summary(),
      series: { bucket, points: stats.series(bucket, since) },
      byKind: stats.savingsBy('kind'),
      byTool: stats.savingsBy('tool'),
      lastError: state.lastError ?? null,
      store: state.store.summary(),
    } satisfies StatsResponse);
  });

  router.get('/headroom/items', (req, res) => {
    res.json(state.stats.items({ limit: queryCount(req, 'limit'), offset: queryCount(req, 'offset'), kind: queryText(req, 'kind'), tool: queryText(req, 'tool'), search: queryText(req, 'search') }) satisfies ItemsResponse);
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
    const wanted = (req.body as { enabled?: unknown } | undefined)?.enabled;
    state.compressionEnabled = typeof wanted === 'boolean' ? wanted : !state.compressionEnabled;
    res.json({ compression: state.compressionEnabled } satisfies ToggleResponse);
  });

  router.get('/headroom/retrieve/:hash', async (req, res) => {
    const outcome = await state.store.retrieve(req.params.hash, { query: queryText(req, 'query'), offset: queryCount(req, 'offset'), limit: queryCount(req, 'limit') });
    res.status(outcome.ok ? 200 : 404).json(outcome);
  });

  router.post('/headroom/compress', express.json({ limit: DIRECT_BODY_LIMIT }), async (req, res) => {
    const body = req.body as { content?: unknown; query?: unknown; kind?: unknown; minTokens?: unknown; aggressiveness?: unknown; tool?: unknown } | undefined;
    if (typeof body?.content !== 'string') {
      res.status(400).json({ error: 'POST /headroom/compress takes {"content": string, "query"?: string, "kind"?: string}.' });
      return;
    }
    const started = performance.now();
    const tool = typeof body.tool === 'string' && body.tool ? body.tool.slice(0, 100) : 'direct';
    const result = await compressText(body.content, {
      query: typeof body.query === 'string' ? body.query : undefined,
      kind: contentKind(body.kind),
      minTokens: typeof body.minTokens === 'number' ? body.minTokens : state.config.minTokens,
      aggressiveness: isAggressiveness(body.aggressiveness) ? body.aggressiveness : state.config.aggressiveness,
      store: state.store,
      tool,
    });
    state.recordRequest(...directCompressionRecord(result, state.store, { tool, latencyMs: performance.now() - started }));
    res.json(result);
  });

  router.get('/headroom/shared', (_req, res) => {
    res.json(state.shared.list());
  });

  router.get('/headroom/shared/:key', (req, res) => {
    const entry = state.shared.get(req.params.key, { original: req.query.original === '1' });
    if (entry) res.json(entry);
    else res.status(404).json({ error: `Nothing is shared under "${req.params.key}".` });
  });

  router.put('/headroom/shared/:key', express.json({ limit: DIRECT_BODY_LIMIT }), async (req, res) => {
    const body = req.body as { content?: unknown; agent?: unknown; query?: unknown; kind?: unknown } | undefined;
    if (typeof body?.content !== 'string' || typeof body.agent !== 'string') {
      res.status(400).json({ error: 'PUT /headroom/shared/:key takes {"content": string, "agent": string, "query"?: string, "kind"?: string}.' });
      return;
    }
    res.json(await state.shared.put(req.params.key, body.content, {
      agent: body.agent, query: typeof body.query === 'string' ? body.query : undefined, kind: contentKind(body.kind),
      minTokens: state.config.minTokens, aggressiveness: state.config.aggressiveness,
    }));
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

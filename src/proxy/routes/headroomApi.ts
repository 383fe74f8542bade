import express, { Router } from 'express';
import { ENGINE_VERSION } from '../../core/compressText';
import type { ProxyState } from '../proxyState';
import { refuseBrowsers } from '../security';

/** Headroom's own loopback API, for the extension panel, the MCP server and the CLI. */
export function headroomApi(state: ProxyState): Router {
  const router = Router();
  router.use('/headroom', refuseBrowsers);

  router.get('/headroom/health', (_req, res) => {
    res.json({ ok: true, engineVersion: ENGINE_VERSION, compression: state.compressionEnabled, uptimeMs: Date.now() - state.startedAt, pid: process.pid });
  });

  router.get('/headroom/stats', (_req, res) => {
    const { totals } = state;
    res.json({
      compression: state.compressionEnabled,
      ...totals,
      tokensSaved: totals.tokensBefore - totals.tokensAfter,
      lastError: state.lastError ?? null,
      store: state.store.summary(),
    });
  });

  router.post('/headroom/toggle', express.json({ limit: '1kb' }), (req, res) => {
    const wanted = (req.body as { enabled?: unknown } | undefined)?.enabled;
    state.compressionEnabled = typeof wanted === 'boolean' ? wanted : !state.compressionEnabled;
    res.json({ compression: state.compressionEnabled });
  });

  router.get('/headroom/items/:hash', async (req, res) => {
    const outcome = await state.store.retrieve(req.params.hash);
    if (outcome.ok) res.type('text/plain; charset=utf-8').send(outcome.part.content);
    else res.status(404).json({ error: outcome.error });
  });
  return router;
}

import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import type { CcrStore } from '../store/ccrStore';
import { bm25Relevance, loadRelevance, type EmbeddingSettings } from '../embeddings/relevance';
import type { RelevanceMode } from '../core/types';
import { ProxyState, type ProxyConfig } from './proxyState';
import { headroomApi } from './routes/headroomApi';
import { llmRoutes } from './routes/llmRoutes';
import { answerOptionsLocally, refuseBrowsers, refuseDotSegments, requireKnownHost } from './security';
import { apiTokenMatcher, requireApiToken } from './apiToken';
import { requireTeamToken } from './teamAccess';
import { errorMessage } from '../shared/errorMessage';
import { errorBodyFor } from './errorShape';

/** Only loopback unless it serves a team: the proxy carries API keys. */
export const LISTEN_HOST = '127.0.0.1';

/** Whether an address listens on every interface; the proxy's own URL names loopback then. */
export const isWildcard = (host: string): boolean => ['0.0.0.0', '::', '[::]'].includes(host);

export interface RunningProxy {
  url: string;
  port: number;
  state: ProxyState;
  /** The loopback API's secret (its clients send it in the API token header). */
  apiToken: string;
  /**
   * Loads an embedding model beside the running proxy and switches to it once loaded (requests
   * meanwhile use the relevance they had); resolves to the relevance now in use.
   */
  useEmbeddings(embeddings: EmbeddingSettings): Promise<RelevanceMode>;
  /** While relevance is BM25 alone, says why (a supervisor knows: turned off, downloading, failed). */
  explainBm25(reason: string): void;
  /** Stops accepting connections, lets in-flight requests finish (up to `graceMs`), then flushes the store. */
  close(graceMs?: number): Promise<void>;
}

export class PortInUse extends Error {
  constructor(
    readonly port: number,
    host = LISTEN_HOST,
  ) {
    super(`Port ${port} on ${host} is already in use. Choose another with --port (or HEADROOM_PORT).`);
  }
}

export function createProxyApp(state: ProxyState): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const { team } = state.config;
  app.use(requireKnownHost(team?.hosts), refuseBrowsers, answerOptionsLocally, refuseDotSegments);
  if (team) app.use(requireTeamToken(team, apiTokenMatcher(state.apiToken)));
  app.head('/', (_req, res) => res.status(200).end());
  app.get('/metrics', requireApiToken(state.apiToken), async (_req, res) => {
    res.type(state.metrics.contentType).send(await state.metrics.text());
  });
  app.use(headroomApi(state));
  app.use(llmRoutes(state));
  app.use((req, res) => {
    res.status(404).json({
      type: 'error',
      error: {
        type: 'not_found_error',
        message: `Headroom proxies /v1/* to the providers; nothing is served at ${req.path}.`,
      },
    });
  });
  // The one error boundary: whatever a route throws is recorded and answered in the shape the
  // client's API uses for errors (never express's HTML page), or the stream is ended if it had begun.
  app.use((error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const message = `Headroom could not handle ${req.method} ${req.path}: ${errorMessage(error)}`;
    state.recordFailure(message);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(500).json(errorBodyFor(req.path, message));
  });
  return app;
}

export async function startProxy(options: {
  port: number;
  /** Loopback unless the config serves a team. */
  host?: string;
  config: ProxyConfig;
  store: CcrStore;
}): Promise<RunningProxy> {
  const host = options.host ?? LISTEN_HOST;
  if (!options.config.team && !isLoopback(host))
    throw new Error(`Headroom listens on ${host} only for a team, with tokens (see \`headroom tokens add\`).`);
  const state = new ProxyState(options.config, options.store);
  state.compressionThread.start();
  const server = createProxyApp(state).listen({ port: options.port, host: host.replace(/^\[(.*)\]$/, '$1') });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUse(options.port, host) : error),
    );
  });
  const port = (server.address() as AddressInfo).port;
  // One switch at a time, in the order asked; no request ever waits for one.
  let switching = Promise.resolve();
  const useEmbeddings = (embeddings: EmbeddingSettings): Promise<RelevanceMode> => {
    const switched = switching.then(async () => {
      const next = await loadRelevance(embeddings);
      const previous = state.relevance;
      state.relevance = next;
      await previous.close();
      if (next.status.mode === 'bm25') options.config.log?.(`headroom: relevance is BM25 alone: ${next.status.reason}`);
      return next.status;
    });
    switching = switched.then(
      () => undefined,
      () => undefined,
    );
    return switched;
  };
  if (options.config.embeddings) void useEmbeddings(options.config.embeddings);
  const explainBm25 = (reason: string) => {
    switching = switching.then(() => {
      if (state.relevance.status.mode === 'bm25') state.relevance = bm25Relevance(reason);
    });
  };
  // Expiry is otherwise checked only when a store opens or an original is read; a proxy runs for weeks.
  const prune = () =>
    Promise.all([options.store.prune(), state.stats.prune()]).catch((error: unknown) =>
      state.recordFailure(`the store could not be pruned: ${errorMessage(error)}`),
    );
  void prune();
  const pruning = setInterval(prune, options.config.pruneIntervalMs ?? 60 * 60 * 1000);
  pruning.unref();
  return {
    url: `http://${isWildcard(host) ? LISTEN_HOST : host}:${port}`,
    port,
    state,
    apiToken: state.apiToken,
    useEmbeddings,
    explainBm25,
    close: (graceMs = 10_000) => {
      clearInterval(pruning);
      return shutDown(server, sockets, options.store, graceMs).then(async () => {
        state.compressionThread.stop();
        await switching;
        await state.relevance.close();
      });
    },
  };
}

/** Whether an address is this machine alone. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

async function shutDown(server: Server, sockets: Set<Socket>, store: CcrStore, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => {
    for (const socket of sockets) socket.destroy();
  }, graceMs);
  await closed;
  clearTimeout(timer);
  await store.flush();
}

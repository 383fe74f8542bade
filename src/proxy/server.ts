import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import type { CcrStore } from '../store/ccrStore';
import { bm25Relevance, loadRelevance, type EmbeddingSettings } from '../embeddings/relevance';
import type { RelevanceMode } from '../core/types';
import { ProxyState, type ProxyConfig } from './proxyState';
import { headroomApi } from './routes/headroomApi';
import { llmRoutes } from './routes/llmRoutes';
import { answerOptionsLocally, refuseBrowsers, refuseDotSegments, requireLocalHost } from './security';
import { errorMessage } from '../shared/errorMessage';
import { errorBodyFor } from './errorShape';

/** Only loopback: the proxy carries API keys and is never meant to be reachable from elsewhere. */
export const LISTEN_HOST = '127.0.0.1';

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
  constructor(readonly port: number) {
    super(`Port ${port} on ${LISTEN_HOST} is already in use. Choose another with --port (or HEADROOM_PORT).`);
  }
}

export function createProxyApp(state: ProxyState): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requireLocalHost, refuseBrowsers, answerOptionsLocally, refuseDotSegments);
  app.head('/', (_req, res) => res.status(200).end());
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
  config: ProxyConfig;
  store: CcrStore;
}): Promise<RunningProxy> {
  const state = new ProxyState(options.config, options.store);
  state.compressionThread.start();
  const server = createProxyApp(state).listen({ port: options.port, host: LISTEN_HOST });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUse(options.port) : error),
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
  const pruning = setInterval(() => options.store.prune(), options.config.pruneIntervalMs ?? 60 * 60 * 1000);
  pruning.unref();
  return {
    url: `http://${LISTEN_HOST}:${port}`,
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

import { parseArgs } from 'node:util';
import { AGGRESSIVENESS_LEVELS, isAggressiveness } from '../../core/types';
import { DEFAULT_ANTHROPIC_UPSTREAM, DEFAULT_BODY_LIMIT, DEFAULT_OPENAI_UPSTREAM } from '../../proxy/proxyState';
import { findRunningProxy, removeDiscovery, writeDiscovery } from '../../proxy/discovery';
import { DEFAULT_PORT, PortInUse, startProxy, type RunningProxy } from '../../proxy/server';
import { STORE_LOCK_WAIT_MS } from '../../proxy/storeAccess';
import { CcrStore, DEFAULT_TTL_MS } from '../../store/ccrStore';
import { StoreLocked } from '../../store/fileLock';
import { defaultEmbeddingsDirectory, defaultStorePath } from '../../store/paths';
import { parseCount, parseFraction, UsageError, type Command } from '../command';
import { embeddingAssetPaths, isFetched } from '../../embeddings/embeddingAssets';
import { DEFAULT_EMBEDDING_BUDGET_MS, DEFAULT_EMBEDDING_WEIGHT, type EmbeddingSettings } from '../../embeddings/relevance';
import { isProxyControlMessage } from '../proxyControl';
import { DEFAULT_HISTORY } from '../../core/historyBoundary';
import { EXIT_PORT_IN_USE, EXIT_STORE_LOCKED } from '../exitCodes';

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_TTL_DAYS = DEFAULT_TTL_MS / DAY_MS;

export const proxyCommand: Command = {
  name: 'proxy',
  summary: 'run the compression proxy on 127.0.0.1',
  usage: `headroom proxy [--port ${DEFAULT_PORT}] [--store FILE] [--anthropic-upstream URL] [--openai-upstream URL] [--compression on|off]
               [--min-tokens N] [--aggressiveness ${AGGRESSIVENESS_LEVELS.join('|')}] [--ttl-days N] [--history-tokens N] [--history-keep-turns N]
               [--embedding-model DIR] [--embedding-runtime DIR] [--embedding-weight W] [--embedding-budget-ms N] [--no-embeddings]

Point agents at it: ANTHROPIC_BASE_URL=http://127.0.0.1:PORT, OPENAI_BASE_URL=http://127.0.0.1:PORT/v1.
Each option can also come from the environment: HEADROOM_PORT, HEADROOM_STORE,
HEADROOM_ANTHROPIC_UPSTREAM, HEADROOM_OPENAI_UPSTREAM, HEADROOM_COMPRESSION, HEADROOM_MIN_TOKENS,
HEADROOM_AGGRESSIVENESS, HEADROOM_TTL_DAYS, HEADROOM_HISTORY_TOKENS, HEADROOM_HISTORY_KEEP_TURNS,
HEADROOM_EMBEDDING_MODEL, HEADROOM_EMBEDDING_RUNTIME, HEADROOM_EMBEDDING_WEIGHT, HEADROOM_EMBEDDING_BUDGET_MS.
--history-tokens (default ${DEFAULT_HISTORY.thresholdTokens}; 0: never) is the size from which a conversation's older tool outputs may
be rewritten compressed in one step, when the reads it saves pay for the rewrite; the model's last --history-keep-turns
turns (default ${DEFAULT_HISTORY.keepTurns}) are never rewritten.
--embedding-model names a sentence-embedding model folder (transformers.js layout, e.g. all-MiniLM-L6-v2)
that joins BM25 (--embedding-weight, default ${DEFAULT_EMBEDDING_WEIGHT}) in ranking what is kept, loaded in a worker after
the proxy starts; a request waits for it at most --embedding-budget-ms (default ${DEFAULT_EMBEDDING_BUDGET_MS}). --embedding-runtime
is a folder holding node_modules/onnxruntime-node. Without these options, what \`headroom embeddings fetch\`
put in the data directory is used, if anything; --no-embeddings keeps relevance to BM25. --ttl-days is how long an unused original stays
retrievable (default ${DEFAULT_TTL_DAYS}). Exit status ${EXIT_PORT_IN_USE}: the port is taken; ${EXIT_STORE_LOCKED}: another process holds
the store. Started with an IPC channel (a supervisor's fork), it stops when the channel closes. With compression off
the proxy passes every request through unchanged; POST /headroom/toggle switches it at run time.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        store: { type: 'string' },
        'anthropic-upstream': { type: 'string' },
        'openai-upstream': { type: 'string' },
        compression: { type: 'string' },
        'min-tokens': { type: 'string' },
        aggressiveness: { type: 'string' },
        'ttl-days': { type: 'string' },
        'history-tokens': { type: 'string' },
        'history-keep-turns': { type: 'string' },
        'embedding-model': { type: 'string' },
        'embedding-runtime': { type: 'string' },
        'embedding-weight': { type: 'string' },
        'embedding-budget-ms': { type: 'string' },
        'no-embeddings': { type: 'boolean' },
      },
      strict: true,
    });
    const port = parseCount(values.port ?? io.env.HEADROOM_PORT, '--port') ?? DEFAULT_PORT;
    if (port > 65_535) throw new UsageError('--port must be at most 65535');
    const anthropicUpstream = checkedUrl(values['anthropic-upstream'] ?? io.env.HEADROOM_ANTHROPIC_UPSTREAM ?? DEFAULT_ANTHROPIC_UPSTREAM, '--anthropic-upstream');
    const openaiUpstream = checkedUrl(values['openai-upstream'] ?? io.env.HEADROOM_OPENAI_UPSTREAM ?? DEFAULT_OPENAI_UPSTREAM, '--openai-upstream');
    const compression = values.compression ?? io.env.HEADROOM_COMPRESSION ?? 'on';
    if (compression !== 'on' && compression !== 'off') throw new UsageError(`--compression must be on or off, not "${compression}"`);
    const minTokens = parseCount(values['min-tokens'] ?? io.env.HEADROOM_MIN_TOKENS, '--min-tokens');
    const aggressiveness = values.aggressiveness ?? io.env.HEADROOM_AGGRESSIVENESS;
    if (aggressiveness !== undefined && !isAggressiveness(aggressiveness)) throw new UsageError(`--aggressiveness must be one of ${AGGRESSIVENESS_LEVELS.join(', ')}`);
    const ttlDays = parseCount(values['ttl-days'] ?? io.env.HEADROOM_TTL_DAYS, '--ttl-days') ?? DEFAULT_TTL_DAYS;
    if (ttlDays < 1) throw new UsageError('--ttl-days must be at least 1');
    const historyTokens = parseCount(values['history-tokens'] ?? io.env.HEADROOM_HISTORY_TOKENS, '--history-tokens') ?? DEFAULT_HISTORY.thresholdTokens;
    const keepTurns = parseCount(values['history-keep-turns'] ?? io.env.HEADROOM_HISTORY_KEEP_TURNS, '--history-keep-turns') ?? DEFAULT_HISTORY.keepTurns;
    if (keepTurns < 1) throw new UsageError('--history-keep-turns must be at least 1: the turn the model is on is never rewritten');
    const history = historyTokens === 0 ? false : { thresholdTokens: historyTokens, keepTurns };
    const embeddings = embeddingSettings(values, io.env);
    const file = values.store ?? defaultStorePath(io.env);
    // sql.js saves by exporting the whole database, which blocks the event loop for a moment,
    // so under the proxy's steady writes the file is rewritten at most every two seconds.
    let store: CcrStore;
    try {
      // Another proxy keeps its store for good: say so at once. Anyone else (the CLI, the MCP server) lets go within a call.
      const lockWaitMs = findRunningProxy(file) ? 0 : STORE_LOCK_WAIT_MS;
      store = await CcrStore.open({ file, debounceMs: 2_000, ttlMs: ttlDays * DAY_MS, lockWaitMs, onWarning: (m) => io.stderr.write(`${m}\n`) });
    } catch (error) {
      if (!(error instanceof StoreLocked)) throw error;
      io.stderr.write(`headroom proxy: ${error.message}\n`);
      return EXIT_STORE_LOCKED;
    }
    let proxy: RunningProxy;
    try {
      proxy = await startProxy({
        port,
        store,
        config: {
          anthropicUpstream, openaiUpstream, compression: compression === 'on', minTokens, aggressiveness, compressionBudgetMs: 2_000, bodyLimit: DEFAULT_BODY_LIMIT, history,
          embeddings,
          log: (line) => io.stderr.write(`${line}\n`),
        },
      });
    } catch (error) {
      await store.close();
      if (!(error instanceof PortInUse)) throw error;
      io.stderr.write(`headroom proxy: ${error.message}\n`);
      return EXIT_PORT_IN_USE;
    }
    writeDiscovery(file, { url: proxy.url, port: proxy.port });
    io.stdout.write(`Headroom proxy listening on ${proxy.url} (store ${file}${compression === 'off' ? ', compression off' : ''})\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        process.off('disconnect', stop);
        if (process.connected) process.disconnect();
        removeDiscovery(file);
        void proxy.close().then(() => store.close()).then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      if (process.connected) {
        // A supervisor that dies, or lets go, takes its proxy with it instead of leaving an orphan holding the store.
        process.on('disconnect', stop);
        process.on('message', (message) => {
          if (!isProxyControlMessage(message)) return;
          if (message.type === 'useEmbeddings') void proxy.useEmbeddings(message.embeddings);
          else proxy.explainBm25(message.reason);
        });
      }
    });
    return 0;
  },
};

/** The embedding options, or else the model and runtime `headroom embeddings fetch` left in the data directory. */
function embeddingSettings(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): EmbeddingSettings | undefined {
  const option = (name: string, variable: string) => (values[name] as string | undefined) ?? env[variable];
  const weight = parseFraction(option('embedding-weight', 'HEADROOM_EMBEDDING_WEIGHT'), '--embedding-weight');
  const budgetMs = parseCount(option('embedding-budget-ms', 'HEADROOM_EMBEDDING_BUDGET_MS'), '--embedding-budget-ms');
  const modelDir = option('embedding-model', 'HEADROOM_EMBEDDING_MODEL');
  const runtimeDir = option('embedding-runtime', 'HEADROOM_EMBEDDING_RUNTIME');
  if (values['no-embeddings']) {
    if (values['embedding-model']) throw new UsageError('--no-embeddings and --embedding-model contradict each other');
    return undefined;
  }
  if (modelDir) return { modelDir, runtimeDir, weight, budgetMs };
  const fetched = embeddingAssetPaths(defaultEmbeddingsDirectory(env));
  return isFetched(fetched.modelDir) && isFetched(fetched.runtimeDir) ? { ...fetched, weight, budgetMs } : undefined;
}

function checkedUrl(value: string, option: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return value;
  } catch {
    throw new UsageError(`${option} must be an http(s) URL, not "${value}"`);
  }
}

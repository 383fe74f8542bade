import { parseArgs } from 'node:util';
import { findRunningProxy, removeDiscovery, writeDiscovery } from '../../proxy/discovery';
import { optionsHelp, parseArgsOptions, readProxyOptions, type ProxyOptionValues } from '../../proxy/proxyOptions';
import { DEFAULT_BODY_LIMIT } from '../../proxy/proxyState';
import { PortInUse, startProxy, type RunningProxy } from '../../proxy/server';
import { STORE_LOCK_WAIT_MS } from '../../proxy/storeAccess';
import {
  EXIT_PORT_IN_USE,
  EXIT_STORE_LOCKED,
  parseControlMessage,
  type ProxyReadyMessage,
} from '../../proxy/supervision';
import { CcrStore } from '../../store/ccrStore';
import { StoreLocked } from '../../store/fileLock';
import { defaultEmbeddingsDirectory, defaultStorePath } from '../../store/paths';
import { embeddingAssetPaths, isFetched } from '../../embeddings/embeddingAssets';
import type { EmbeddingSettings } from '../../embeddings/relevance';
import type { Command } from '../command';

const DAY_MS = 24 * 60 * 60 * 1000;

export const proxyCommand: Command = {
  name: 'proxy',
  usage: `headroom proxy [options]

Point agents at it: ANTHROPIC_BASE_URL=http://127.0.0.1:PORT, OPENAI_BASE_URL=http://127.0.0.1:PORT/v1.
Each option can also be given by the environment variable shown beside it.

${optionsHelp()}

Exit status ${EXIT_PORT_IN_USE}: the port is taken; ${EXIT_STORE_LOCKED}: another process holds the store. Started with an IPC
channel (a supervisor's fork), it says "ready" over it and stops when the channel closes.`,
  async run(args, io) {
    const { values: flags } = parseArgs({ args, options: parseArgsOptions(), strict: true });
    const options = readProxyOptions(flags, io.env);
    const history =
      options.historyTokens === 0
        ? false
        : { thresholdTokens: options.historyTokens, keepTurns: options.historyKeepTurns };
    const embeddings = embeddingSettings(options, io.env);
    const file = options.store ?? defaultStorePath(io.env);
    // sql.js saves by exporting the whole database, which blocks the event loop for a moment,
    // so under the proxy's steady writes the file is rewritten at most every two seconds.
    let store: CcrStore;
    try {
      // Another proxy keeps its store for good: say so at once. Anyone else (the CLI, the MCP server) lets go within a call.
      const lockWaitMs = findRunningProxy(file) ? 0 : STORE_LOCK_WAIT_MS;
      store = await CcrStore.open({
        file,
        debounceMs: 2_000,
        ttlMs: options.ttlDays * DAY_MS,
        lockWaitMs,
        onWarning: (m) => io.stderr.write(`${m}\n`),
      });
    } catch (error) {
      if (!(error instanceof StoreLocked)) throw error;
      io.stderr.write(`headroom proxy: ${error.message}\n`);
      return EXIT_STORE_LOCKED;
    }
    let proxy: RunningProxy;
    try {
      proxy = await startProxy({
        port: options.port,
        store,
        config: {
          anthropicUpstream: options.anthropicUpstream,
          openaiUpstream: options.openaiUpstream,
          geminiUpstream: options.geminiUpstream,
          compression: options.compression,
          minTokens: options.minTokens,
          aggressiveness: options.aggressiveness,
          compressionBudgetMs: 2_000,
          bodyLimit: DEFAULT_BODY_LIMIT,
          history,
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
    writeDiscovery(file, { url: proxy.url, port: proxy.port, apiToken: proxy.apiToken });
    io.stdout.write(
      `Headroom proxy listening on ${proxy.url} (store ${file}${options.compression ? '' : ', compression off'})\n`,
    );
    process.send?.({
      type: 'ready',
      url: proxy.url,
      port: proxy.port,
      apiToken: proxy.apiToken,
    } satisfies ProxyReadyMessage);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        process.off('disconnect', stop);
        if (process.connected) process.disconnect();
        removeDiscovery(file);
        void proxy
          .close()
          .then(() => store.close())
          .then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      if (process.connected) {
        // A supervisor that dies, or lets go, takes its proxy with it instead of leaving an orphan holding the store.
        process.on('disconnect', stop);
        process.on('message', (raw) => {
          const message = parseControlMessage(raw);
          if (message?.type === 'useEmbeddings') void proxy.useEmbeddings(message.embeddings);
          else if (message?.type === 'bm25Only') proxy.explainBm25(message.reason);
        });
      }
    });
    return 0;
  },
};

/** The embedding options, or else the model and runtime `headroom embeddings fetch` left in the data directory. */
function embeddingSettings(options: ProxyOptionValues, env: NodeJS.ProcessEnv): EmbeddingSettings | undefined {
  if (options.noEmbeddings) return undefined;
  const tuning = { weight: options.embeddingWeight, budgetMs: options.embeddingBudgetMs };
  if (options.embeddingModel)
    return { modelDir: options.embeddingModel, runtimeDir: options.embeddingRuntime, ...tuning };
  const fetched = embeddingAssetPaths(defaultEmbeddingsDirectory(env));
  return isFetched(fetched.modelDir) && isFetched(fetched.runtimeDir) ? { ...fetched, ...tuning } : undefined;
}

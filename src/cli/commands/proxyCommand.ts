import { parseArgs } from 'node:util';
import { findRunningProxy, removeDiscovery, writeDiscovery } from '../../proxy/discovery';
import { optionsHelp, parseArgsOptions, readProxyOptions, type ProxyOptionValues } from '../../proxy/proxyOptions';
import { DEFAULT_BODY_LIMIT } from '../../proxy/proxyState';
import { isLoopback, isWildcard, LISTEN_HOST, PortInUse, startProxy, type RunningProxy } from '../../proxy/server';
import type { TeamAccess } from '../../proxy/teamAccess';
import { UsageError } from '../../shared/optionValues';
import { TeamTokens } from '../../store/teamTokens';
import { STORE_LOCK_WAIT_MS } from '../../proxy/storeAccess';
import {
  EXIT_PORT_IN_USE,
  EXIT_STORE_LOCKED,
  parseControlMessage,
  type ProxyReadyMessage,
} from '../../proxy/supervision';
import { CcrStore } from '../../store/ccrStore';
import { StoreLocked } from '../../store/fileLock';
import {
  defaultEmbeddingsDirectory,
  defaultStorePath,
  defaultTokensPath,
  isPostgresUrl,
  redactedUrl,
} from '../../store/paths';
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
    const listen = options.listen ?? { host: LISTEN_HOST, port: options.port };
    const team = isLoopback(listen.host) ? undefined : teamAccess(options, listen.host, io.env);
    const location = options.store ?? defaultStorePath(io.env);
    // A team's PostgreSQL store is shared by every proxy on it: no lock, no discovery file.
    const postgres = isPostgresUrl(location) ? location : undefined;
    const file = postgres ? undefined : location;
    let store: CcrStore;
    try {
      // Another proxy keeps its store for good: say so at once. Anyone else (the CLI, the MCP server) lets go within a call.
      const lockWaitMs = file && findRunningProxy(file) ? 0 : STORE_LOCK_WAIT_MS;
      store = await CcrStore.open({
        file,
        postgres,
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
        port: listen.port,
        host: listen.host,
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
          team,
        },
      });
    } catch (error) {
      await store.close();
      if (!(error instanceof PortInUse)) throw error;
      io.stderr.write(`headroom proxy: ${error.message}\n`);
      return EXIT_PORT_IN_USE;
    }
    if (file) writeDiscovery(file, { url: proxy.url, port: proxy.port, apiToken: proxy.apiToken });
    io.stdout.write(
      `Headroom proxy listening on ${proxy.url} (${team ? `for a team on ${listen.host}:${proxy.port}, ` : ''}store ${postgres ? redactedUrl(postgres) : file}${options.compression ? '' : ', compression off'})\n`,
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
        if (file) removeDiscovery(file);
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

/**
 * Who a proxy reachable from other machines admits, or why it must not start: without a token
 * anyone on the network could spend the keys it carries, and without the names it is reached by
 * the Host check cannot tell its clients from a rebound DNS name.
 */
function teamAccess(options: ProxyOptionValues, host: string, env: NodeJS.ProcessEnv): TeamAccess {
  const tokens = new TeamTokens(options.tokens ?? defaultTokensPath(env));
  if (!tokens.any())
    throw new UsageError(
      `listening on ${host} serves a team, which needs tokens: make one with \`headroom tokens add USER\` (${tokens.file}).`,
    );
  const named = options.allowedHosts
    ?.split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const hosts = named?.includes('*') ? '*' : [...(named ?? []), ...(isWildcard(host) ? [] : [host])];
  if (hosts !== '*' && hosts.length === 0)
    throw new UsageError(
      `listening on ${host} (every interface), name the host names clients use with --allowed-hosts (or * for any).`,
    );
  return { verify: tokens.verifier(), hosts };
}

/** The embedding options, or else the model and runtime `headroom embeddings fetch` left in the data directory. */
function embeddingSettings(options: ProxyOptionValues, env: NodeJS.ProcessEnv): EmbeddingSettings | undefined {
  if (options.noEmbeddings) return undefined;
  const tuning = { weight: options.embeddingWeight, budgetMs: options.embeddingBudgetMs };
  if (options.embeddingModel)
    return { modelDir: options.embeddingModel, runtimeDir: options.embeddingRuntime, ...tuning };
  const fetched = embeddingAssetPaths(defaultEmbeddingsDirectory(env));
  return isFetched(fetched.modelDir) && isFetched(fetched.runtimeDir) ? { ...fetched, ...tuning } : undefined;
}

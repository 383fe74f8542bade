import { newApiToken } from './apiToken';
import { ProxyMetrics } from './metrics';
import type { TeamAccess } from './teamAccess';
import { CompressionThread } from './worker/compressionThread';
import { EventEmitter } from 'node:events';
import type { Aggressiveness } from '../core/types';
import type { CcrStore } from '../store/ccrStore';
import type { ItemRecord, RequestRecord } from '../store/records';
import { SharedContext } from '../store/sharedContext';
import { StatsStore } from '../store/statsStore';
import { bm25Relevance, type EmbeddingSettings, type Relevance } from '../embeddings/relevance';
import type { ProxyTotals } from './api';
import type { HistorySettings } from '../core/historyBoundary';
import { TreeSitterParser } from '../syntax/treeSitterParser';
import { errorMessage } from '../shared/errorMessage';

export interface ProxyConfig {
  anthropicUpstream: string;
  openaiUpstream: string;
  /** Where Gemini requests go (Google's API when absent). */
  geminiUpstream?: string;
  /** Compression gives up after this long and the original request goes upstream. */
  compressionBudgetMs: number;
  minTokens?: number;
  aggressiveness?: Aggressiveness;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** How often expired originals are dropped while the proxy runs (default hourly). */
  pruneIntervalMs?: number;
  /** Whether compression starts on; the runtime toggle changes it afterwards. */
  compression?: boolean;
  /** The sentence-embedding model that joins BM25; relevance is BM25 alone without one. */
  embeddings?: EmbeddingSettings;
  /** When a long conversation's older tool outputs are rewritten compressed; `false` never. */
  history?: Partial<HistorySettings> | false;
  /** Where failures are reported as they happen (the CLI writes them to stderr). Never given headers or bodies. */
  log?: (line: string) => void;
  /** The loopback API's secret; a fresh one when absent. */
  apiToken?: string;
  /** Set when the proxy serves a team: who may use it, by which names. */
  team?: TeamAccess;
}

export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

/** What one proxy instance knows at run time: its settings, its store, whether compression is on, and its counters. */
export class ProxyState extends EventEmitter<{ request: [RequestRecord & { id: number; items: number }] }> {
  compressionEnabled = true;
  readonly totals: ProxyTotals = {
    requests: 0,
    compressedRequests: 0,
    tokensBefore: 0,
    tokensAfter: 0,
    compressedItems: 0,
    retrievals: 0,
    failures: 0,
    checkpoints: 0,
  };
  lastError: string | undefined;
  readonly startedAt = Date.now();
  /** What clients of `/headroom/*` (health aside) must send in the API token header. */
  readonly apiToken: string;

  readonly stats: StatsStore;
  readonly shared: SharedContext;
  /** BM25 until an embedding model (if any) has loaded in its worker; never awaited by a request. */
  relevance: Relevance;
  /** Reads code's structure; its runtime and grammars load on first use. */
  readonly codeParser = new TreeSitterParser();
  /** Where large outputs are compressed, off the thread that serves requests. */
  readonly compressionThread = new CompressionThread();
  /** What `GET /metrics` reports. */
  readonly metrics = new ProxyMetrics(this.totals);

  constructor(
    readonly config: ProxyConfig,
    readonly store: CcrStore,
  ) {
    super();
    this.stats = new StatsStore(store.database);
    this.shared = new SharedContext(store);
    this.compressionEnabled = config.compression ?? true;
    this.apiToken = config.apiToken ?? newApiToken();
    this.relevance = bm25Relevance(
      config.embeddings ? 'the embedding model is loading' : 'no embedding model is configured',
    );
  }

  /**
   * Persists a finished request and tells live listeners (the panel's event stream). A record
   * the store cannot take is a failure to report, never a failed request: the answer is sent.
   */
  async recordRequest(request: RequestRecord, items: readonly ItemRecord[]): Promise<void> {
    this.metrics.observe(request, items);
    try {
      const id = await this.stats.record(request, items);
      this.emit('request', { ...request, id, items: items.length });
    } catch (error) {
      this.recordFailure(`a request's stats could not be stored: ${errorMessage(error)}`);
    }
  }

  recordFailure(message: string): void {
    this.totals.failures++;
    this.lastError = message;
    this.config.log?.(`${new Date().toISOString()} headroom: ${message}`);
  }
}

/**
 * The shapes of Headroom's loopback API (`/headroom/*`): what the routes send and what
 * the extension, the MCP server and the CLI read. Types only, so clients import no server code.
 */
import type { RelevanceMode } from '../core/types';
import type { ItemRecord, RequestRecord, SeriesPoint, StatsSummary } from '../store/records';

export type { SharedEntry, SharedListing, SharedPut } from '../store/records';

/** The proxy's counters since it started. */
export interface ProxyTotals {
  requests: number;
  compressedRequests: number;
  tokensBefore: number;
  tokensAfter: number;
  compressedItems: number;
  /** headroom_retrieve calls the proxy answered for the model. */
  retrievals: number;
  failures: number;
  /** Requests that rewrote a conversation's older tool outputs in one step (each breaks the cached prefix once). */
  checkpoints: number;
}

export interface HealthResponse {
  ok: true;
  engineVersion: number;
  compression: boolean;
  uptimeMs: number;
  pid: number;
}

export type SeriesBucket = 'hour' | 'day';

export interface Savings {
  key: string;
  tokensSaved: number;
  items: number;
}

export interface StoreSummary {
  originals: number;
  bytes: number;
  compressions: number;
}

export interface StatsResponse {
  compression: boolean;
  session: ProxyTotals & { tokensSaved: number; since: number };
  allTime: StatsSummary;
  series: { bucket: SeriesBucket; points: SeriesPoint[] };
  byKind: Savings[];
  byTool: Savings[];
  lastError: string | null;
  store: StoreSummary;
  /** BM25 with embeddings, or BM25 alone and why. */
  relevance: RelevanceMode;
}

/** The savings summary the MCP server reports: from the running proxy, or read from the store when none runs. */
export interface SavingsReport {
  source: 'proxy' | 'store';
  /** Whether the proxy compresses now; null when no proxy runs. */
  compression: boolean | null;
  allTime: StatsSummary;
  byKind: Savings[];
  byTool: Savings[];
  store: StoreSummary;
}

export interface CompressRequest {
  content: string;
  query?: string;
  kind?: string;
  minTokens?: number;
  aggressiveness?: string;
  /** Who asked (`cli`, `mcp`…), as the stats and the panel list it. */
  tool?: string;
}

export interface ShareRequest {
  key: string;
  content: string;
  agent: string;
  query?: string;
  kind?: string;
}

export type ListedItem = ItemRecord & { at: number };

export interface ItemsResponse {
  total: number;
  items: ListedItem[];
}

export interface ItemsQuery {
  limit?: number;
  offset?: number;
  kind?: string;
  tool?: string;
  search?: string;
}

/** One finished request, as the event stream announces it. */
export type RequestEvent = RequestRecord & { id: number; items: number };

export interface ToggleResponse {
  compression: boolean;
}

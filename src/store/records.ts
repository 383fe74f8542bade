/** The rows the stats store keeps and reports. Types only: the panel and the loopback clients read them too. */

/** One proxied request, as the stats API and the panel see it. */
export interface RequestRecord {
  at: number;
  /** `local`: a compression asked for directly (CLI, MCP server, loopback API), with no provider call. */
  provider: 'anthropic' | 'openai' | 'gemini' | 'local';
  model?: string;
  path: string;
  status: number;
  /** Engine estimates of the tool outputs' tokens before and after compression. */
  tokensBefore: number;
  tokensAfter: number;
  /** The provider's own figures, when it reported them. */
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  latencyMs: number;
  retrievals: number;
  failure?: string;
  /** This request rewrote its conversation's older tool outputs (a deliberate break of the cached prefix). */
  checkpoint?: boolean;
  /** Dollars this request saved, from the provider's usage; absent when no price is known for the model or nothing was billed. */
  savings?: SavingsRecord;
}

/** The money one request saved, net of what the retrieval machinery cost. */
export interface SavingsRecord {
  /** The same request with its tool outputs unchanged, at the same cache state, less what it cost. */
  gross: number;
  /** What the retrieve tool's definition, sent with the request, cost. */
  retrieveTool: number;
  /** What the retrieval rounds cost (each re-reads the prompt). */
  retrieval: number;
  net: number;
}

export interface ItemRecord {
  hash: string;
  tool?: string;
  kind: string;
  tokensBefore: number;
  tokensAfter: number;
  /** The first characters of the original, for the list. */
  preview: string;
  /** How many requests sent it in this compressed form; the list shows each distinct output once. */
  sends?: number;
}

export interface StatsSummary {
  requests: number;
  compressedItems: number;
  tokensBefore: number;
  tokensAfter: number;
  tokensSaved: number;
  /** Share of tool-output tokens removed, 0 to 1. */
  compression: number;
  /** Net dollars saved on the bill: gross less the retrieve tool and the retrieval rounds. */
  dollarsSaved: number;
  dollarsGross: number;
  retrieveToolDollars: number;
  retrievalDollars: number;
  /** Proxied requests for whose model no price is known: they count in tokens, not in dollars. */
  unpricedRequests: number;
  /** Requests that rewrote a conversation's older tool outputs in one step. */
  checkpoints: number;
  /** Where prices come from. */
  pricesAsOf: string;
  /** Token counts are the engine's (o200k_base); for other providers' models they are estimates. */
  tokenCounts: string;
  /** Share of the provider-reported input that was read from the prompt cache, 0 to 1, or null before any report. */
  cacheHitRate: number | null;
  retrievals: number;
  failures: number;
}

export interface SeriesPoint {
  start: number;
  tokensSent: number;
  tokensSaved: number;
  requests: number;
}

export interface ItemQuery {
  limit?: number;
  offset?: number;
  kind?: string;
  tool?: string;
  search?: string;
}

/** One agent's put of a shared context. */
export interface SharedProvenance {
  agent: string;
  key: string;
  at: number;
}

/** A context shared between agents: its compressed form (or the original), and who put it when. */
export interface SharedEntry {
  key: string;
  /** Content hash of the original; `headroom_retrieve` with it returns the original. */
  hash: string;
  /** The compressed form, or the original when it was asked for. */
  content: string;
  original: boolean;
  kind: string;
  tokensBefore: number;
  tokensAfter: number;
  /** Every put of this content, under any key, oldest first. */
  provenance: SharedProvenance[];
}

/** What a put did: `deduplicated` when the same content had been shared before and was not compressed again. */
export type SharedPut = SharedEntry & { deduplicated: boolean };

export interface SharedListing {
  key: string;
  hash: string;
  kind: string;
  tokensBefore: number;
  tokensAfter: number;
  agents: string[];
  updatedAt: number;
}

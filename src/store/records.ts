/** The rows the stats store keeps and reports. Types only: the panel and the loopback clients read them too. */

/** One proxied request, as the stats API and the panel see it. */
export interface RequestRecord {
  at: number;
  provider: 'anthropic' | 'openai';
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
}

export interface ItemRecord {
  hash: string;
  tool?: string;
  kind: string;
  tokensBefore: number;
  tokensAfter: number;
  /** The first characters of the original, for the list. */
  preview: string;
}

export interface StatsSummary {
  requests: number;
  compressedItems: number;
  tokensBefore: number;
  tokensAfter: number;
  tokensSaved: number;
  /** Share of tool-output tokens removed, 0 to 1. */
  compression: number;
  dollarsSaved: number;
  pricesAsOf: string;
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

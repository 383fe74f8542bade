import * as z from 'zod/mini';

/**
 * The rows the stats store keeps and reports, as schemas: the loopback API sends them, and its
 * clients (the panel, the MCP server, the CLI) read them back through the same schemas.
 */

/** The money one request saved, net of what the retrieval machinery cost. */
export const savingsRecordSchema = z.object({
  /** The same request with its tool outputs unchanged, at the same cache state, less what it cost. */
  gross: z.number(),
  /** What the retrieve tool's definition, sent with the request, cost. */
  retrieveTool: z.number(),
  /** What the retrieval rounds cost (each re-reads the prompt). */
  retrieval: z.number(),
  net: z.number(),
});
export type SavingsRecord = z.infer<typeof savingsRecordSchema>;

/** One proxied request, as the stats API and the panel see it. */
export const requestRecordSchema = z.object({
  at: z.number(),
  /** `local`: a compression asked for directly (CLI, MCP server, loopback API), with no provider call. */
  provider: z.enum(['anthropic', 'openai', 'gemini', 'local']),
  model: z.optional(z.string()),
  path: z.string(),
  status: z.number(),
  /** Engine estimates of the tool outputs' tokens before and after compression. */
  tokensBefore: z.number(),
  tokensAfter: z.number(),
  /** The provider's own figures, when it reported them. */
  inputTokens: z.optional(z.number()),
  outputTokens: z.optional(z.number()),
  cacheReadTokens: z.optional(z.number()),
  cacheWriteTokens: z.optional(z.number()),
  latencyMs: z.number(),
  retrievals: z.number(),
  failure: z.optional(z.string()),
  /** This request rewrote its conversation's older tool outputs (a deliberate break of the cached prefix). */
  checkpoint: z.optional(z.boolean()),
  /** Who sent it, on a team proxy: the user its token names, the project it named. */
  user: z.optional(z.string()),
  project: z.optional(z.string()),
  /** Dollars this request saved, from the provider's usage; absent when no price is known for the model or nothing was billed. */
  savings: z.optional(savingsRecordSchema),
});
export type RequestRecord = z.infer<typeof requestRecordSchema>;

export const itemRecordSchema = z.object({
  hash: z.string(),
  tool: z.optional(z.string()),
  kind: z.string(),
  tokensBefore: z.number(),
  tokensAfter: z.number(),
  /** The first characters of the original, for the list. */
  preview: z.string(),
  /** How many requests sent it in this compressed form; the list shows each distinct output once. */
  sends: z.optional(z.number()),
});
export type ItemRecord = z.infer<typeof itemRecordSchema>;

export const statsSummarySchema = z.object({
  requests: z.number(),
  compressedItems: z.number(),
  tokensBefore: z.number(),
  tokensAfter: z.number(),
  tokensSaved: z.number(),
  /** Share of tool-output tokens removed, 0 to 1. */
  compression: z.number(),
  /** Net dollars saved on the bill: gross less the retrieve tool and the retrieval rounds. */
  dollarsSaved: z.number().check(z.describe('Net dollars saved on the bill, the prompt cache counted.')),
  dollarsGross: z.number(),
  retrieveToolDollars: z.number(),
  retrievalDollars: z.number(),
  /** Proxied requests for whose model no price is known: they count in tokens, not in dollars. */
  unpricedRequests: z.number(),
  /** Requests that rewrote a conversation's older tool outputs in one step. */
  checkpoints: z.number(),
  /** Where prices come from. */
  pricesAsOf: z.string(),
  /** Token counts are the engine's (o200k_base); for other providers' models they are estimates. */
  tokenCounts: z.string(),
  /** Share of the provider-reported input that was read from the prompt cache, 0 to 1, or null before any report. */
  cacheHitRate: z.nullable(z.number()),
  retrievals: z.number(),
  failures: z.number(),
});
export type StatsSummary = z.infer<typeof statsSummarySchema>;

export const seriesPointSchema = z.object({
  start: z.number(),
  tokensSent: z.number(),
  tokensSaved: z.number(),
  requests: z.number(),
});
export type SeriesPoint = z.infer<typeof seriesPointSchema>;

export interface ItemQuery {
  limit?: number;
  offset?: number;
  kind?: string;
  tool?: string;
  search?: string;
}

/** One agent's put of a shared context. */
export const sharedProvenanceSchema = z.object({ agent: z.string(), key: z.string(), at: z.number() });
export type SharedProvenance = z.infer<typeof sharedProvenanceSchema>;

/** A context shared between agents: its compressed form (or the original), and who put it when. */
export const sharedEntrySchema = z.object({
  key: z.string(),
  /** Content hash of the original; `headroom_retrieve` with it returns the original. */
  hash: z.string(),
  /** The compressed form, or the original when it was asked for. */
  content: z.string(),
  original: z.boolean(),
  kind: z.string(),
  tokensBefore: z.number(),
  tokensAfter: z.number(),
  /** Every put of this content, under any key, oldest first. */
  provenance: z.array(sharedProvenanceSchema),
});
export type SharedEntry = z.infer<typeof sharedEntrySchema>;

/** What a put did: `deduplicated` when the same content had been shared before and was not compressed again. */
export const sharedPutSchema = z.extend(sharedEntrySchema, { deduplicated: z.boolean() });
export type SharedPut = z.infer<typeof sharedPutSchema>;

export const sharedListingSchema = z.object({
  key: z.string(),
  hash: z.string(),
  kind: z.string(),
  tokensBefore: z.number(),
  tokensAfter: z.number(),
  agents: z.array(z.string()),
  updatedAt: z.number(),
});
export type SharedListing = z.infer<typeof sharedListingSchema>;

import * as z from 'zod/mini';
import { CONTENT_KINDS, type RelevanceMode, type TextCompression } from '../core/types';
import type { RetrieveOutcome } from '../core/retrieve';
import {
  itemRecordSchema,
  requestRecordSchema,
  seriesPointSchema,
  sharedEntrySchema,
  sharedListingSchema,
  sharedPutSchema,
  statsSummarySchema,
} from '../store/records';

/**
 * Headroom's loopback API (`/headroom/*`) as schemas: the routes read requests through them,
 * the loopback client (extension, MCP server, CLI) reads answers through them, and the types
 * everyone uses come from them.
 */

export type { SharedEntry, SharedListing, SharedPut } from '../store/records';

/** The proxy's counters since it started. */
export const proxyTotalsSchema = z.object({
  requests: z.number(),
  compressedRequests: z.number(),
  tokensBefore: z.number(),
  tokensAfter: z.number(),
  compressedItems: z.number(),
  /** headroom_retrieve calls the proxy answered for the model. */
  retrievals: z.number(),
  failures: z.number(),
  /** Requests that rewrote a conversation's older tool outputs in one step (each breaks the cached prefix once). */
  checkpoints: z.number(),
});
export type ProxyTotals = z.infer<typeof proxyTotalsSchema>;

export const healthResponseSchema = z.object({
  ok: z.literal(true),
  engineVersion: z.number(),
  compression: z.boolean(),
  /** Whether the compression worker has started: until then a large output may miss its budget and pass as it came. */
  warm: z.optional(z.boolean()),
  uptimeMs: z.number(),
  pid: z.number(),
  /** Whether it serves a team (reachable beyond this machine, with tokens). */
  team: z.optional(z.boolean()),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

export type SeriesBucket = 'hour' | 'day';

export const savingsSchema = z.object({ key: z.string(), tokensSaved: z.number(), items: z.number() });
export type Savings = z.infer<typeof savingsSchema>;

export const requesterSavingsSchema = z.object({
  key: z.string(),
  requests: z.number(),
  tokensSaved: z.number(),
  dollarsSaved: z.number(),
});

export const storeSummarySchema = z.object({ originals: z.number(), bytes: z.number(), compressions: z.number() });
export type StoreSummary = z.infer<typeof storeSummarySchema>;

const relevanceModeSchema: z.ZodMiniType<RelevanceMode> = z.union([
  z.object({ mode: z.literal('hybrid'), embeddingWeight: z.number(), budgetMs: z.number() }),
  z.object({ mode: z.literal('bm25'), reason: z.string() }),
]);

export const statsResponseSchema = z.object({
  compression: z.boolean(),
  session: z.extend(proxyTotalsSchema, { tokensSaved: z.number(), since: z.number() }),
  allTime: statsSummarySchema,
  series: z.object({ bucket: z.enum(['hour', 'day']), points: z.array(seriesPointSchema) }),
  byKind: z.array(savingsSchema),
  byTool: z.array(savingsSchema),
  /** On a team proxy, per user and per project; empty on a personal one. */
  byUser: z.optional(z.array(requesterSavingsSchema)),
  byProject: z.optional(z.array(requesterSavingsSchema)),
  lastError: z.nullable(z.string()),
  store: storeSummarySchema,
  /** BM25 with embeddings, or BM25 alone and why. */
  relevance: relevanceModeSchema,
});
export type StatsResponse = z.infer<typeof statsResponseSchema>;

/** The savings summary the MCP server reports: from the running proxy, or read from the store when none runs. */
export const savingsReportSchema = z.object({
  source: z
    .enum(['proxy', 'store'])
    .check(z.describe('"proxy" when a running Headroom proxy answered, "store" when the store was read directly.')),
  compression: z.nullable(z.boolean()).check(z.describe('Whether the proxy compresses now; null when no proxy runs.')),
  allTime: statsSummarySchema,
  byKind: z.array(savingsSchema),
  byTool: z.array(savingsSchema),
  store: storeSummarySchema,
});
export type SavingsReport = z.infer<typeof savingsReportSchema>;

export const compressRequestSchema = z.object({
  content: z.string(),
  query: z.optional(z.string()),
  kind: z.optional(z.enum(CONTENT_KINDS)),
  minTokens: z.optional(z.number().check(z.nonnegative())),
  aggressiveness: z.optional(z.string()),
  /** Who asked (`cli`, `mcp`…), as the stats and the panel list it. */
  tool: z.optional(z.string()),
});
export type CompressRequest = z.infer<typeof compressRequestSchema>;

export const textCompressionSchema: z.ZodMiniType<TextCompression> = z.object({
  text: z.string(),
  compressed: z.boolean(),
  kind: z.union([z.enum(CONTENT_KINDS), z.literal('binary'), z.literal('unknown')]),
  hash: z.string(),
  tokensBefore: z.number(),
  tokensAfter: z.number(),
  transforms: z.array(z.string()),
  markerHashes: z.array(z.string()),
  reason: z.optional(z.string()),
  cached: z.boolean(),
});

/** The body of `PUT /headroom/shared/:key`. */
export const shareBodySchema = z.object({
  content: z.string(),
  agent: z.string(),
  query: z.optional(z.string()),
  kind: z.optional(z.enum(CONTENT_KINDS)),
});
export type ShareRequest = z.infer<typeof shareBodySchema> & { key: string };
export { sharedEntrySchema, sharedListingSchema, sharedPutSchema };

export const listedItemSchema = z.extend(itemRecordSchema, { at: z.number() });
export type ListedItem = z.infer<typeof listedItemSchema>;

export const itemsResponseSchema = z.object({ total: z.number(), items: z.array(listedItemSchema) });
export type ItemsResponse = z.infer<typeof itemsResponseSchema>;

export interface ItemsQuery {
  limit?: number;
  offset?: number;
  kind?: string;
  tool?: string;
  search?: string;
}

/** One finished request, as the event stream announces it. */
export const requestEventSchema = z.extend(requestRecordSchema, { id: z.number(), items: z.number() });
export type RequestEvent = z.infer<typeof requestEventSchema>;

export const toggleRequestSchema = z.object({ enabled: z.optional(z.boolean()) });
export const toggleResponseSchema = z.object({ compression: z.boolean() });
export type ToggleResponse = z.infer<typeof toggleResponseSchema>;

export const retrieveOutcomeSchema: z.ZodMiniType<RetrieveOutcome> = z.union([
  z.object({
    ok: z.literal(true),
    part: z.object({
      hash: z.string(),
      kind: z.enum(CONTENT_KINDS),
      content: z.string(),
      unit: z.enum(['rows', 'lines']),
      total: z.number(),
      matched: z.number(),
      offset: z.number(),
      returned: z.number(),
    }),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/** A value read through its schema, or what did not fit, in one line (`path: message; …`). */
export function parseWith<T>(
  schema: z.ZodMiniType<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; issues: string } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; '),
  };
}

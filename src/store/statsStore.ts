import { PRICES_SOURCE } from '../core/pricing';
import type { TextCompression } from '../core/types';
import type { CcrStore } from './ccrStore';
import type { ItemQuery, ItemRecord, RequestRecord, SeriesPoint, StatsSummary } from './records';
import { PREVIEW_LENGTH } from './schema';
import type { StoreSql } from './storeSql';

const HOUR = 60 * 60 * 1000;
/** Request history older than this is dropped. */
const RETENTION_MS = 90 * 24 * HOUR;

/**
 * Per-request statistics in the store's database (tables in schema.ts). API keys and
 * headers are never given to it: records hold counts, model names and paths only. Each
 * distinct compressed output is one row of `outputs`, however many requests re-sent it.
 */
export class StatsStore {
  constructor(private readonly sql: StoreSql) {}

  /** Drops request history past its retention. */
  async prune(): Promise<void> {
    await this.sql.run('DELETE FROM requests WHERE at < ?', [Date.now() - RETENTION_MS]);
    await this.sql.run('DELETE FROM outputs WHERE last_at < ?', [Date.now() - RETENTION_MS]);
  }

  /** Records a request and the outputs it sent; resolves to the request's id. */
  async record(request: RequestRecord, items: readonly ItemRecord[]): Promise<number> {
    const savings = request.savings;
    // A request the provider billed but whose model has no known price counts in tokens only.
    const priced = savings !== undefined || request.inputTokens === undefined;
    const id = await this.sql.insert(
      `INSERT INTO requests (at, provider, model, path, status, tokens_before, tokens_after, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, retrievals, failure,
         dollars_saved, dollars_gross, dollars_tool, dollars_retrieval, priced, checkpoint, "user", project)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        request.at,
        request.provider,
        request.model ?? null,
        request.path,
        request.status,
        request.tokensBefore,
        request.tokensAfter,
        request.inputTokens ?? null,
        request.outputTokens ?? null,
        request.cacheReadTokens ?? null,
        request.cacheWriteTokens ?? null,
        Math.round(request.latencyMs),
        request.retrievals,
        request.failure ?? null,
        savings?.net ?? 0,
        savings?.gross ?? 0,
        savings?.retrieveTool ?? 0,
        savings?.retrieval ?? 0,
        priced ? 1 : 0,
        request.checkpoint ? 1 : 0,
        request.user ?? null,
        request.project ?? null,
      ],
    );
    for (const item of items) {
      await this.sql.run(
        `INSERT INTO outputs (hash, first_at, last_at, tool, kind, tokens_before, tokens_after, preview, sends) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
         ON CONFLICT (hash) DO UPDATE SET last_at = excluded.last_at, sends = outputs.sends + 1`,
        [
          item.hash,
          request.at,
          request.at,
          item.tool ?? null,
          item.kind,
          item.tokensBefore,
          item.tokensAfter,
          item.preview,
        ],
      );
    }
    return id;
  }

  async summary(since = 0): Promise<StatsSummary> {
    const [[row], outputs] = await Promise.all([
      this.sql.all(
        `SELECT COUNT(*), COALESCE(SUM(tokens_before), 0), COALESCE(SUM(tokens_after), 0), COALESCE(SUM(dollars_saved), 0),
                SUM(cache_read_tokens), SUM(COALESCE(input_tokens, 0) + COALESCE(cache_read_tokens, 0) + COALESCE(cache_write_tokens, 0)),
                COALESCE(SUM(retrievals), 0), COALESCE(SUM(CASE WHEN failure IS NULL THEN 0 ELSE 1 END), 0),
                COALESCE(SUM(dollars_gross), 0), COALESCE(SUM(dollars_tool), 0), COALESCE(SUM(dollars_retrieval), 0),
                COALESCE(SUM(CASE WHEN priced = 0 THEN 1 ELSE 0 END), 0), COALESCE(SUM(checkpoint), 0)
         FROM requests WHERE at >= ?`,
        [since],
      ),
      this.sql.scalar('SELECT COUNT(*) FROM outputs WHERE first_at >= ?', [since]).then(Number),
    ]);
    const [
      requests,
      before,
      after,
      dollars,
      cacheRead,
      reportedInput,
      retrievals,
      failures,
      gross,
      tool,
      retrieval,
      unpriced,
      checkpoints,
    ] = row.map((v) => (v === null ? null : Number(v)));
    const cents = (n: number | null) => Math.round((n ?? 0) * 10_000) / 10_000;
    return {
      requests: requests ?? 0,
      compressedItems: outputs,
      tokensBefore: before ?? 0,
      tokensAfter: after ?? 0,
      tokensSaved: (before ?? 0) - (after ?? 0),
      compression: before ? 1 - (after ?? 0) / before : 0,
      dollarsSaved: cents(dollars),
      dollarsGross: cents(gross),
      retrieveToolDollars: cents(tool),
      retrievalDollars: cents(retrieval),
      unpricedRequests: unpriced ?? 0,
      checkpoints: checkpoints ?? 0,
      pricesAsOf: PRICES_SOURCE,
      tokenCounts: TOKEN_COUNTS,
      cacheHitRate: reportedInput ? (cacheRead ?? 0) / reportedInput : null,
      retrievals: retrievals ?? 0,
      failures: failures ?? 0,
    };
  }

  /** Tokens sent and saved per hour or per day, oldest first. */
  async series(bucket: 'hour' | 'day', since: number): Promise<SeriesPoint[]> {
    const size = bucket === 'hour' ? HOUR : 24 * HOUR;
    const rows = await this.sql.all(
      `SELECT (at / ${size}) * ${size} AS start, SUM(tokens_after), SUM(tokens_before - tokens_after), COUNT(*)
       FROM requests WHERE at >= ? GROUP BY start ORDER BY start`,
      [since],
    );
    return rows.map(([start, sent, saved, requests]) => ({
      start: Number(start),
      tokensSent: Number(sent),
      tokensSaved: Number(saved),
      requests: Number(requests),
    }));
  }

  /** Tokens saved per content kind or per tool. */
  async savingsBy(
    column: 'kind' | 'tool',
    since = 0,
  ): Promise<Array<{ key: string; tokensSaved: number; items: number }>> {
    const rows = await this.sql.all(
      `SELECT COALESCE(${column}, 'unknown'), SUM(tokens_before - tokens_after), COUNT(*) FROM outputs WHERE first_at >= ? GROUP BY 1 ORDER BY 2 DESC`,
      [since],
    );
    return rows.map(([key, saved, items]) => ({
      key: String(key),
      tokensSaved: Number(saved),
      items: Number(items),
    }));
  }

  /** Requests, tokens and dollars saved per user or per project of a team proxy (none on a personal one). */
  async savingsByRequester(
    column: 'user' | 'project',
    since = 0,
  ): Promise<Array<{ key: string; requests: number; tokensSaved: number; dollarsSaved: number }>> {
    const rows = await this.sql.all(
      `SELECT "${column}", COUNT(*), SUM(tokens_before - tokens_after), SUM(dollars_saved) FROM requests
       WHERE at >= ? AND "${column}" IS NOT NULL GROUP BY 1 ORDER BY 4 DESC, 3 DESC`,
      [since],
    );
    return rows.map(([key, requests, saved, dollars]) => ({
      key: String(key),
      requests: Number(requests),
      tokensSaved: Number(saved),
      dollarsSaved: Math.round(Number(dollars) * 10_000) / 10_000,
    }));
  }

  /** Distinct compressed outputs, newest first, filtered and paged. */
  async items(query: ItemQuery = {}): Promise<{ total: number; items: Array<ItemRecord & { at: number }> }> {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.kind) {
      where.push('kind = ?');
      params.push(query.kind);
    }
    if (query.tool) {
      where.push('tool = ?');
      params.push(query.tool);
    }
    if (query.search) {
      where.push("(preview LIKE ? ESCAPE '\\' OR tool LIKE ? ESCAPE '\\')");
      const like = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      params.push(like, like);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const limit = Math.min(Math.max(1, query.limit ?? 50), 500);
    const offset = Math.max(0, query.offset ?? 0);
    const [total, rows] = await Promise.all([
      this.sql.scalar(`SELECT COUNT(*) FROM outputs ${clause}`, params).then(Number),
      this.sql.all(
        `SELECT first_at, hash, tool, kind, tokens_before, tokens_after, preview, sends FROM outputs ${clause}
         ORDER BY first_at DESC, last_at DESC, hash LIMIT ? OFFSET ?`,
        [...params, limit, offset],
      ),
    ]);
    const items = rows.map(([at, hash, tool, kind, before, after, preview, sends]) => ({
      at: Number(at),
      hash: String(hash),
      tool: tool === null ? undefined : String(tool),
      kind: String(kind),
      tokensBefore: Number(before),
      tokensAfter: Number(after),
      preview: String(preview),
      sends: Number(sends),
    }));
    return { total, items };
  }
}

/**
 * The stats rows for a compression asked for directly (CLI, MCP server, loopback API), so it
 * counts in the savings and its original can be expanded from the panel like a proxied one.
 */
export async function directCompressionRecord(
  result: TextCompression,
  store: CcrStore,
  options: { tool: string; latencyMs: number },
): Promise<[RequestRecord, ItemRecord[]]> {
  const request: RequestRecord = {
    at: Date.now(),
    provider: 'local',
    path: options.tool,
    status: 200,
    tokensBefore: result.tokensBefore,
    tokensAfter: result.tokensAfter,
    latencyMs: options.latencyMs,
    retrievals: 0,
  };
  const items = result.compressed
    ? [
        {
          hash: result.hash,
          tool: options.tool,
          kind: result.kind,
          tokensBefore: result.tokensBefore,
          tokensAfter: result.tokensAfter,
          preview: await store.preview(result.hash, PREVIEW_LENGTH),
        },
      ]
    : [];
  return [request, items];
}

/** How the stats count tokens, said wherever they are shown. */
export const TOKEN_COUNTS =
  "Token counts are estimates: the o200k_base tokenizer (OpenAI's), not Claude's or Gemini's own.";

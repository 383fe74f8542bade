import { PRICES_AS_OF, priceOf } from '../core/pricing';
import type { TextCompression } from '../core/types';
import type { CcrStore } from './ccrStore';
import type { ItemQuery, ItemRecord, RequestRecord, SeriesPoint, StatsSummary } from './records';
import type { SqliteFile } from './sqliteFile';
import { Statements } from './statements';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, provider TEXT NOT NULL, model TEXT, path TEXT NOT NULL,
  status INTEGER NOT NULL, tokens_before INTEGER NOT NULL, tokens_after INTEGER NOT NULL,
  input_tokens INTEGER, output_tokens INTEGER, cache_read_tokens INTEGER, cache_write_tokens INTEGER,
  latency_ms INTEGER NOT NULL, retrievals INTEGER NOT NULL, failure TEXT, dollars_saved REAL NOT NULL);
CREATE INDEX IF NOT EXISTS requests_at ON requests(at);
CREATE TABLE IF NOT EXISTS items (
  request_id INTEGER NOT NULL, at INTEGER NOT NULL, hash TEXT NOT NULL, tool TEXT, kind TEXT NOT NULL,
  tokens_before INTEGER NOT NULL, tokens_after INTEGER NOT NULL, preview TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS items_at ON items(at);
`;

const HOUR = 60 * 60 * 1000;
/** Characters of an original shown in the items list. */
export const PREVIEW_LENGTH = 240;
/** Request history older than this is dropped. */
const RETENTION_MS = 90 * 24 * HOUR;

/**
 * Per-request statistics in the same sql.js database as the CCR store. API keys and
 * headers are never given to it: records hold counts, model names and paths only.
 */
export class StatsStore {
  private readonly sql: Statements;

  constructor(private readonly file: SqliteFile) {
    file.db.exec(SCHEMA);
    this.sql = new Statements(file.db);
    file.db.run('DELETE FROM requests WHERE at < ?', [Date.now() - RETENTION_MS]);
    file.db.run('DELETE FROM items WHERE at < ?', [Date.now() - RETENTION_MS]);
  }

  record(request: RequestRecord, items: readonly ItemRecord[]): number {
    const saved = request.tokensBefore - request.tokensAfter;
    const dollarsSaved = (saved * priceOf(request.model).input) / 1e6;
    this.sql.run(
      `INSERT INTO requests (at, provider, model, path, status, tokens_before, tokens_after, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, retrievals, failure, dollars_saved)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [request.at, request.provider, request.model ?? null, request.path, request.status, request.tokensBefore, request.tokensAfter,
        request.inputTokens ?? null, request.outputTokens ?? null, request.cacheReadTokens ?? null, request.cacheWriteTokens ?? null,
        Math.round(request.latencyMs), request.retrievals, request.failure ?? null, dollarsSaved],
    );
    const id = Number(this.sql.scalar('SELECT last_insert_rowid()'));
    for (const item of items) {
      this.sql.run('INSERT INTO items (request_id, at, hash, tool, kind, tokens_before, tokens_after, preview) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        id, request.at, item.hash, item.tool ?? null, item.kind, item.tokensBefore, item.tokensAfter, item.preview,
      ]);
    }
    this.file.markDirty();
    return id;
  }

  summary(since = 0): StatsSummary {
    const row = this.file.db.exec(
      `SELECT COUNT(*), COALESCE(SUM(tokens_before), 0), COALESCE(SUM(tokens_after), 0), COALESCE(SUM(dollars_saved), 0),
              SUM(cache_read_tokens), SUM(COALESCE(input_tokens, 0) + COALESCE(cache_read_tokens, 0) + COALESCE(cache_write_tokens, 0)),
              COALESCE(SUM(retrievals), 0), COALESCE(SUM(failure IS NOT NULL), 0)
       FROM requests WHERE at >= ?`, [since],
    )[0].values[0];
    const items = Number(this.file.db.exec('SELECT COUNT(*) FROM items WHERE at >= ?', [since])[0].values[0][0]);
    const [requests, before, after, dollars, cacheRead, reportedInput, retrievals, failures] = row.map((v) => (v === null ? null : Number(v)));
    return {
      requests: requests ?? 0,
      compressedItems: items,
      tokensBefore: before ?? 0,
      tokensAfter: after ?? 0,
      tokensSaved: (before ?? 0) - (after ?? 0),
      compression: before ? 1 - (after ?? 0) / before : 0,
      dollarsSaved: Math.round((dollars ?? 0) * 10_000) / 10_000,
      pricesAsOf: PRICES_AS_OF,
      cacheHitRate: reportedInput ? (cacheRead ?? 0) / reportedInput : null,
      retrievals: retrievals ?? 0,
      failures: failures ?? 0,
    };
  }

  /** Tokens sent and saved per hour or per day, oldest first. */
  series(bucket: 'hour' | 'day', since: number): SeriesPoint[] {
    const size = bucket === 'hour' ? HOUR : 24 * HOUR;
    const result = this.file.db.exec(
      `SELECT (at / ${size}) * ${size} AS start, SUM(tokens_after), SUM(tokens_before - tokens_after), COUNT(*)
       FROM requests WHERE at >= ? GROUP BY start ORDER BY start`, [since],
    );
    return (result[0]?.values ?? []).map(([start, sent, saved, requests]) => ({ start: Number(start), tokensSent: Number(sent), tokensSaved: Number(saved), requests: Number(requests) }));
  }

  /** Tokens saved per content kind or per tool. */
  savingsBy(column: 'kind' | 'tool', since = 0): Array<{ key: string; tokensSaved: number; items: number }> {
    const result = this.file.db.exec(
      `SELECT COALESCE(${column}, 'unknown'), SUM(tokens_before - tokens_after), COUNT(*) FROM items WHERE at >= ? GROUP BY 1 ORDER BY 2 DESC`, [since],
    );
    return (result[0]?.values ?? []).map(([key, saved, items]) => ({ key: String(key), tokensSaved: Number(saved), items: Number(items) }));
  }

  /** Compressed items, newest first, filtered and paged. */
  items(query: ItemQuery = {}): { total: number; items: Array<ItemRecord & { at: number }> } {
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
    const total = Number(this.file.db.exec(`SELECT COUNT(*) FROM items ${clause}`, params)[0].values[0][0]);
    const limit = Math.min(Math.max(1, query.limit ?? 50), 500);
    const offset = Math.max(0, query.offset ?? 0);
    const result = this.file.db.exec(`SELECT at, hash, tool, kind, tokens_before, tokens_after, preview FROM items ${clause} ORDER BY at DESC, rowid DESC LIMIT ${limit} OFFSET ${offset}`, params);
    const items = (result[0]?.values ?? []).map(([at, hash, tool, kind, before, after, preview]) => ({
      at: Number(at), hash: String(hash), tool: tool === null ? undefined : String(tool), kind: String(kind), tokensBefore: Number(before), tokensAfter: Number(after), preview: String(preview),
    }));
    return { total, items };
  }
}

/**
 * The stats rows for a compression asked for directly (CLI, MCP server, loopback API), so it
 * counts in the savings and its original can be expanded from the panel like a proxied one.
 */
export function directCompressionRecord(result: TextCompression, store: CcrStore, options: { tool: string; latencyMs: number }): [RequestRecord, ItemRecord[]] {
  const request: RequestRecord = {
    at: Date.now(), provider: 'local', path: options.tool, status: 200,
    tokensBefore: result.tokensBefore, tokensAfter: result.tokensAfter, latencyMs: options.latencyMs, retrievals: 0,
  };
  const items = result.compressed
    ? [{ hash: result.hash, tool: options.tool, kind: result.kind, tokensBefore: result.tokensBefore, tokensAfter: result.tokensAfter, preview: store.preview(result.hash, PREVIEW_LENGTH) }]
    : [];
  return [request, items];
}

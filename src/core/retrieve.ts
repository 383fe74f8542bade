import { parseJsonDocument } from './detect';
import { findSymbolBody } from './symbolBody';
import { readTable } from './tableReader';
import { bm25Scorer } from './relevance/bm25Scorer';
import { topRelevant } from './relevance/topRelevant';
import type { RelevanceScorer, StoredOriginal } from './types';

export interface RetrieveOptions {
  /** Return only the rows or lines relevant to this question. */
  query?: string;
  /** First row or line to return (0-based), after any query filter. */
  offset?: number;
  /** Most rows or lines to return. */
  limit?: number;
  /** Return the whole definition of this function, method or class (`name`, `Owner.name`) in a source original. */
  symbol?: string;
}

export interface RetrievedPart {
  hash: string;
  kind: StoredOriginal['kind'];
  /** The original, or the selected rows (as a JSON array) or lines (joined by newlines; a table's under its header line). */
  content: string;
  unit: 'rows' | 'lines';
  /** Rows or lines in the whole original. */
  total: number;
  /** Rows or lines that matched the query (all of them without one). */
  matched: number;
  offset: number;
  returned: number;
}

/** A retrieval's result: an unknown or expired hash is an outcome with a message for the model, not an exception. */
export type RetrieveOutcome = { ok: true; part: RetrievedPart } | { ok: false; error: string };

/**
 * A store's retrieve: the hash checked and normalised, the part asked for, or `whyMissing`'s
 * message when the store has no such original (never an exception: the model reads the message).
 */
export async function retrieveOriginal(
  hash: string,
  options: RetrieveOptions,
  getOriginal: (hash: string) => StoredOriginal | undefined | Promise<StoredOriginal | undefined>,
  whyMissing: (hash: string) => string | Promise<string>,
): Promise<RetrieveOutcome> {
  const clean = hash.trim().toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(clean))
    return {
      ok: false,
      error: `"${hash}" is not a Headroom hash (expected hex characters, as in "retrieve hash=…" markers).`,
    };
  const original = await getOriginal(clean);
  return original
    ? { ok: true, part: await selectFromOriginal(original, options) }
    : { ok: false, error: await whyMissing(clean) };
}

/** Without a query, at most this many rows or lines come back unless a limit says otherwise. */
const DEFAULT_QUERY_LIMIT = 50;

/**
 * Selects the part of an original the caller asked for. A JSON array is cut by rows, any
 * other original by lines. With no options at all, the original comes back whole.
 */
export async function selectFromOriginal(
  original: StoredOriginal,
  options: RetrieveOptions = {},
  scorer: RelevanceScorer = bm25Scorer,
): Promise<RetrievedPart> {
  const json = parseJsonDocument(original.content);
  const rows = json.ok && Array.isArray(json.value) ? (json.value as unknown[]) : undefined;
  const units: string[] = rows ? rows.map((row) => JSON.stringify(row) ?? 'null') : original.content.split(/\r?\n/);
  const unit = rows ? 'rows' : 'lines';
  const base = { hash: original.hash, kind: original.kind, unit, total: units.length } as const;
  if (options.symbol?.trim() && !rows) {
    // A symbol's definition, whole: no paging applies; `matched` 0 says there is none.
    const body = findSymbolBody(units, options.symbol.trim());
    const selected = body ? units.slice(body.first, body.last + 1) : [];
    return {
      ...base,
      content: selected.join('\n'),
      matched: selected.length,
      offset: body?.first ?? 0,
      returned: selected.length,
    };
  }
  const wantsPart = options.query?.trim() || options.offset !== undefined || options.limit !== undefined;
  if (!wantsPart)
    return { ...base, content: original.content, matched: units.length, offset: 0, returned: units.length };

  // With a query, matches are paged best first (the page shown in the original's order), so
  // the line a query names is on the first page however many lines share its other words.
  let indices = units.map((_, i) => i);
  if (options.query?.trim()) indices = topRelevant(await scorer.score(options.query, units), units.length, 0.25);
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  const limit = Math.max(0, Math.floor(options.limit ?? (options.query?.trim() ? DEFAULT_QUERY_LIMIT : units.length)));
  const selected = indices.slice(offset, offset + limit).sort((a, b) => a - b);
  const content = rows
    ? `[${selected.map((i) => units[i]).join(',')}]`
    : withTableHeader(original, units, selected)
        .map((i) => units[i])
        .join('\n');
  return { ...base, content, matched: indices.length, offset, returned: selected.length };
}

/** Lines of a table come under its header, so the columns keep their names. */
function withTableHeader(original: StoredOriginal, lines: readonly string[], selected: number[]): number[] {
  const header = original.kind === 'table' ? readTable(lines)?.header : undefined;
  return header === undefined || selected.includes(header) ? selected : [header, ...selected];
}

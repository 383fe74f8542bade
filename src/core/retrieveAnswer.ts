import type { RetrieveOptions, RetrieveOutcome } from './retrieve';

/** The name of the tool that expands markers, wherever Headroom offers it (proxy, MCP, LangChain). */
export const RETRIEVE_TOOL_NAME = 'headroom_retrieve';
/** Without a query or limit, a retrieval returns at most this many rows or lines, so one call cannot flood the context. */
const DEFAULT_RETRIEVE_LIMIT = 400;

export const RETRIEVE_TOOL_DESCRIPTION =
  'Gets what a compressed tool output left out at a "[headroom: … retrieve hash=HASH]" marker. Optional: query (only the matching lines or rows), symbol (a function or class whole, e.g. Class.method), offset and limit (0-based paging).';

/** The tool's arguments as JSON Schema. */
export const RETRIEVE_TOOL_PARAMETERS = {
  type: 'object',
  properties: {
    hash: { type: 'string' },
    query: { type: 'string' },
    symbol: { type: 'string' },
    offset: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 1 },
  },
  required: ['hash'],
  additionalProperties: false,
} as const;

/** Anything that can look up an original by hash: the sql.js store, the memory store, a proxy's loopback API. */
export interface Retriever {
  retrieve(hash: string, options: RetrieveOptions): Promise<RetrieveOutcome>;
}

export interface RetrieveAnswer {
  content: string;
  isError: boolean;
}

/** Answers one retrieve call, with a header saying which part of the original this is. */
export async function answerRetrieve(input: unknown, store: Retriever): Promise<RetrieveAnswer> {
  const args = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (typeof args.hash !== 'string')
    return { content: 'headroom_retrieve needs a "hash" string from a "retrieve hash=…" marker.', isError: true };
  const number = (value: unknown) =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  const query = typeof args.query === 'string' && args.query.trim() ? args.query : undefined;
  const symbol = typeof args.symbol === 'string' && args.symbol.trim() ? args.symbol.trim() : undefined;
  if (symbol) return answerSymbol(args.hash, symbol, store);
  const limit = number(args.limit) ?? (query ? undefined : DEFAULT_RETRIEVE_LIMIT);
  const outcome = await store.retrieve(args.hash, { query, offset: number(args.offset), limit });
  if (!outcome.ok) return { content: outcome.error, isError: true };
  const { part } = outcome;
  if (query && part.matched === 0)
    return (
      (await startOf(args.hash, store, number(args.limit), `nothing in original ${part.hash} matches "${query}"`)) ?? {
        content: `[headroom: nothing in original ${part.hash} matches "${query}"]`,
        isError: false,
      }
    );
  const range =
    part.returned === 0 ? `no ${part.unit}` : `${part.unit} ${part.offset + 1}–${part.offset + part.returned}`;
  const scope = query ? ` of the ${part.matched} matching "${query}"` : '';
  const more = part.offset + part.returned < part.matched ? `; more with offset=${part.offset + part.returned}` : '';
  return {
    content: `[headroom: original ${part.hash}: ${range}${scope}, ${part.total} ${part.unit} in all${more}]\n${part.content}`,
    isError: false,
  };
}

/** The definition of `symbol` in the original, or, when it has none, its start. */
async function answerSymbol(hash: string, symbol: string, store: Retriever): Promise<RetrieveAnswer> {
  const outcome = await store.retrieve(hash, { symbol });
  if (!outcome.ok) return { content: outcome.error, isError: true };
  const { part } = outcome;
  if (part.matched > 0)
    return {
      content: `[headroom: original ${part.hash}: lines ${part.offset + 1}–${part.offset + part.returned}, the definition of ${symbol}, ${part.total} ${part.unit} in all]\n${part.content}`,
      isError: false,
    };
  return (
    (await startOf(hash, store, undefined, `no definition of ${symbol} in original ${part.hash}`)) ?? {
      content: `[headroom: no definition of ${symbol} in original ${part.hash}]`,
      isError: false,
    }
  );
}

/**
 * When what was asked for is not there: the start of the original, so the model need not ask
 * again to see anything, under a header that says why.
 */
async function startOf(
  hash: string,
  store: Retriever,
  limit: number | undefined,
  why: string,
): Promise<RetrieveAnswer | undefined> {
  const start = await store.retrieve(hash, { offset: 0, limit: limit ?? DEFAULT_RETRIEVE_LIMIT });
  if (!start.ok) return undefined;
  const first = start.part;
  const more = first.returned < first.total ? `; more with offset=${first.returned}` : '';
  return {
    content: `[headroom: ${why}; its first ${first.returned} of ${first.total} ${first.unit} follow${more}]\n${first.content}`,
    isError: false,
  };
}

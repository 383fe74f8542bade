import type { CodeParser } from './codeOutline';

/** The kinds of tool output the engine tells apart; each has its own compressor. */
export const CONTENT_KINDS = [
  'json',
  'table',
  'log',
  'search',
  'diff',
  'listing',
  'diagnostics',
  'code',
  'prose',
] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

export function isContentKind(value: unknown): value is ContentKind {
  return (CONTENT_KINDS as readonly unknown[]).includes(value);
}

export const AGGRESSIVENESS_LEVELS = ['conservative', 'balanced', 'aggressive'] as const;
export type Aggressiveness = (typeof AGGRESSIVENESS_LEVELS)[number];

export function isAggressiveness(value: unknown): value is Aggressiveness {
  return (AGGRESSIVENESS_LEVELS as readonly unknown[]).includes(value);
}

/** An original that a compressor dropped content from, kept so it can be retrieved by hash. */
export interface StoredOriginal {
  hash: string;
  content: string;
  kind: ContentKind;
  tool?: string;
}

/**
 * A compression replayed from cache must come out byte-identical, so the cache holds the
 * finished text; a decision to leave a content alone is cached too, for the same reason.
 */
export interface CachedCompression {
  compressed: boolean;
  /** The compressed text; absent when the original was left unchanged. */
  text?: string;
  reason?: string;
  kind: ContentKind | 'unknown';
  tokensBefore: number;
  tokensAfter: number;
  transforms: string[];
  markerHashes: string[];
}

/**
 * Where the engine keeps originals and memoised results. The engine itself stays pure:
 * persistence (sql.js on disk) implements this port outside `src/core`.
 */
export interface CompressionStore {
  /** May finish later (a file written in the background); a failure means no marker may name it. */
  putOriginal(original: StoredOriginal): void | Promise<void>;
  getCompression(key: string): CachedCompression | undefined | Promise<CachedCompression | undefined>;
  /** A memo entry; one that cannot be kept is only compressed again, so failures are the store's to swallow. */
  putCompression(key: string, value: CachedCompression): void | Promise<void>;
}

/** Scores documents against a query; higher is more relevant. Scores are on any non-negative scale. */
export interface RelevanceScorer {
  readonly name: string;
  score(query: string, documents: readonly string[]): number[] | Promise<number[]>;
}

/** Which relevance ranks what is kept, and why, as the stats and the panel report it. */
export type RelevanceMode =
  { mode: 'hybrid'; embeddingWeight: number; budgetMs: number } | { mode: 'bm25'; reason: string };

export interface EngineOptions {
  /** The user's current question; chunks relevant to it are kept. */
  query?: string;
  /** Skip detection and use this compressor. */
  kind?: ContentKind;
  /** Outputs smaller than this many tokens pass untouched. */
  minTokens?: number;
  /** A compression that saves less than this fraction of tokens is discarded. */
  minSavings?: number;
  aggressiveness?: Aggressiveness;
  store?: CompressionStore;
  scorer?: RelevanceScorer;
  /** Epoch milliseconds after which compression gives up and returns the original. */
  deadline?: number;
  /** Name of the tool whose output this is, for stats and the store. */
  tool?: string;
  /** The arguments of the tool call that produced the output: which file it viewed, and whether all of it. */
  toolInput?: unknown;
  /** Reads code's structure (tree-sitter, in src/syntax); without one, code is only de-duplicated. */
  codeParser?: CodeParser;
  /** The output lies turns back in the conversation: compress it for the record, not for the task at hand. */
  history?: boolean;
  /** Identifiers the conversation used after this output (history only); what they name is kept. */
  focus?: IdentifierSet;
  /** Compresses outputs too large to compress here without holding up the caller's thread. */
  offload?: Offload;
}

/** The options an offloaded compression runs with: those that can cross to another thread. */
export type OffloadedOptions = Pick<
  EngineOptions,
  'query' | 'kind' | 'minTokens' | 'minSavings' | 'aggressiveness' | 'deadline' | 'tool' | 'toolInput' | 'history'
>;

/**
 * Compresses one large output elsewhere (the proxy's worker thread), with BM25 relevance and
 * no focus; undefined when it did not finish by the deadline. The originals its markers name
 * come back to be stored here.
 */
export type Offload = (
  content: string,
  options: OffloadedOptions,
) => Promise<{ result: TextCompression; originals: StoredOriginal[] } | undefined>;

export interface IdentifierSet {
  has(identifier: string): boolean;
}

export interface TextCompression {
  text: string;
  compressed: boolean;
  /** `unknown` when the engine stopped before detecting the kind (too small, out of time). */
  kind: ContentKind | 'binary' | 'unknown';
  /** Content hash of the original (sha-256, hex). */
  hash: string;
  tokensBefore: number;
  tokensAfter: number;
  transforms: string[];
  /** Hashes referenced by the markers in `text`; each retrieves an original. */
  markerHashes: string[];
  /** Why the original was returned unchanged, when it was. */
  reason?: string;
  /** True when the result was replayed from the memo (same content seen before). */
  cached: boolean;
}

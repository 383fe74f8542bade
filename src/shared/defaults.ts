/**
 * Headroom's defaults, in a module that imports nothing, so the options table, the engine, the
 * store and the extension's own small bundle read the same values without pulling each other in.
 */
export const DEFAULT_PORT = 8787;
export const DEFAULT_ANTHROPIC_UPSTREAM = 'https://api.anthropic.com';
export const DEFAULT_OPENAI_UPSTREAM = 'https://api.openai.com';
export const DEFAULT_GEMINI_UPSTREAM = 'https://generativelanguage.googleapis.com';
/** Tool outputs under this many tokens are left as they are. */
export const DEFAULT_MIN_TOKENS = 500;
/** Days an unused original stays retrievable. */
export const DEFAULT_TTL_DAYS = 7;
/** From this conversation size (estimated tokens) older tool outputs may be rewritten compressed. */
export const DEFAULT_HISTORY_TOKENS = 30_000;
/** The model's last this-many turns are never rewritten. */
export const DEFAULT_HISTORY_KEEP_TURNS = 4;
/** How much the embedding score counts against BM25's (both normalised to their maximum). */
export const DEFAULT_EMBEDDING_WEIGHT = 0.5;
/** How long a request waits for embeddings before it goes on with BM25 alone. */
export const DEFAULT_EMBEDDING_BUDGET_MS = 100;

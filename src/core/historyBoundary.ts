import { DEFAULT_HISTORY_KEEP_TURNS, DEFAULT_HISTORY_TOKENS, DEFAULT_MIN_TOKENS } from '../shared/defaults';
import { isModelMessage } from './messages/formats';

/**
 * When a long conversation's older tool outputs are rewritten in their compressed forms.
 *
 * Every later turn re-reads the whole history from the prompt cache, so an output the model
 * has moved past keeps costing. Compressing it changes bytes the cache holds: the next
 * request writes everything from the first changed output on, once. That pays when the
 * tokens it saves on every later read outweigh the rewrite, so a rewrite (a checkpoint)
 * happens only then, and only in one step: the boundary moves, the outputs before it are
 * compressed for the record, and that prefix then stays byte-stable until the next one.
 *
 * The plan is a pure function of the conversation's own content: a request sees the same
 * checkpoints an earlier request of the same conversation saw, so no state is kept and a
 * restarted proxy decides the same.
 */
export interface HistorySettings {
  /** A conversation under this many tokens (estimated) is left as it was sent. */
  thresholdTokens: number;
  /** The model's last this-many turns, and everything after them, are never rewritten. */
  keepTurns: number;
  /** Tool outputs under this many tokens do not count toward a checkpoint. */
  minTokens: number;
}

export const DEFAULT_HISTORY: HistorySettings = {
  thresholdTokens: DEFAULT_HISTORY_TOKENS,
  keepTurns: DEFAULT_HISTORY_KEEP_TURNS,
  minTokens: DEFAULT_MIN_TOKENS,
};

export interface HistoryPlan {
  /** Tool outputs in messages before this index are history. */
  before: number;
  checkpoints: number;
  /** This request is the one that moves the boundary (it breaks the cached prefix once). */
  rewritesNow: boolean;
  /** When it does: the tokens (estimated) it writes to the cache that the previous request had cached. */
  rewrittenTokens: number;
}

/** Prompt-cache prices relative to plain input (Anthropic's; OpenAI writes at 1×, which only makes a rewrite cheaper). */
const CACHE_WRITE = 1.25;
const CACHE_READ = 0.1;
/** Turns still to come, as a share of the turns so far: a conservative guess of how long the conversation goes on. */
const REMAINING_TURN_SHARE = 0.5;
const CHARS_PER_TOKEN = 4;

/** The furthest the boundary could be now: the start of the model's last `keepTurns` turns. */
export function historyReach(messages: readonly unknown[], settings: HistorySettings): number {
  const turns = modelTurns(messages);
  return turns.length > settings.keepTurns ? turns[turns.length - settings.keepTurns] : 0;
}

/**
 * How much of the conversation a rewrite makes the cache write again. OpenAI's (and Gemini's)
 * cache matches any prefix, so only what follows the first changed output. Anthropic's looks
 * back at most LOOKBACK_BLOCKS blocks from each breakpoint for a cached prefix, and agents set
 * their breakpoints on the last messages of every request, so every earlier message ends a
 * cached prefix: a change within the look-back of the request's end is written again from the
 * change on, one further back makes everything after the system prompt written again.
 */
export type RewriteReach = 'from-change' | 'lookback';

/** Blocks before a breakpoint that Anthropic's cache looks back over for an earlier cached prefix. */
const LOOKBACK_BLOCKS = 20;

/**
 * Replays the decisions of every request of the conversation so far: at the end of each, the
 * boundary moves to its reach if the tokens history would save on the reads still to come
 * outweigh what the rewrite costs. `saved[i]` is what message i's tool outputs save when
 * compressed as history.
 */
export function historyBoundary(
  messages: readonly unknown[],
  settings: HistorySettings,
  saved: ArrayLike<number>,
  rewrite: RewriteReach,
): HistoryPlan {
  const n = messages.length;
  const size = new Float64Array(n + 1);
  const blocks = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    size[i + 1] = size[i] + textLength(messages[i]) / CHARS_PER_TOKEN;
    blocks[i + 1] = blocks[i] + blockCount(messages[i]);
  }
  const turns = modelTurns(messages);
  let before = 0;
  let checkpoints = 0;
  let rewritesNow = false;
  let rewrittenTokens = 0;
  // A request is sent with the messages before each model turn; the current one with all.
  const requestEnds = [...turns.filter((i) => i > 0), n];
  requestEnds.forEach((end, r) => {
    const turnsSoFar = r + (turns[0] === 0 ? 1 : 0);
    if (turnsSoFar <= settings.keepTurns || size[end] < settings.thresholdTokens) return;
    const reach = turns[turnsSoFar - settings.keepTurns];
    let gain = 0;
    let firstChange = -1;
    for (let i = before; i < reach; i++) {
      if (saved[i] <= 0) continue;
      gain += saved[i];
      if (firstChange < 0) firstChange = i;
    }
    if (firstChange < 0) return;
    // The cached prefix that ends just before the changed message is found if it lies within
    // the look-back of the request's last block.
    const withinLookback = blocks[end] - blocks[firstChange] <= LOOKBACK_BLOCKS;
    const rewriteStart = rewrite === 'from-change' || withinLookback ? firstChange : 0;
    const rewritten = Math.max(0, size[end] - size[rewriteStart] - gain);
    const readsSaved = gain * CACHE_READ * turnsSoFar * REMAINING_TURN_SHARE;
    if (readsSaved <= rewritten * (CACHE_WRITE - CACHE_READ)) return;
    before = reach;
    checkpoints++;
    rewritesNow = end === n;
    const previousEnd = r > 0 ? requestEnds[r - 1] : 0;
    rewrittenTokens = Math.max(0, size[previousEnd] - size[rewriteStart] - gain);
  });
  return { before, checkpoints, rewritesNow, rewrittenTokens: rewritesNow ? rewrittenTokens : 0 };
}

/** Where the model's turns are: the indices of the messages it wrote. */
export function modelTurns(messages: readonly unknown[]): number[] {
  const turns: number[] = [];
  messages.forEach((m, i) => {
    if (isModelMessage(m)) turns.push(i);
  });
  return turns;
}

/** Content blocks of a message, as the prompt cache counts them (a string content is one). */
function blockCount(message: unknown): number {
  const content =
    typeof message === 'object' && message !== null ? (message as { content?: unknown }).content : undefined;
  return Array.isArray(content) ? Math.max(1, content.length) : 1;
}

/** Characters of text in a message, its cache_control markers left out: they move between turns, the content does not. */
function textLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + textLength(v), 0);
  if (typeof value !== 'object' || value === null) return 0;
  let sum = 0;
  for (const [key, v] of Object.entries(value)) if (key !== 'cache_control') sum += textLength(v);
  return sum;
}

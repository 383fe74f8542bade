type BpeCounter = (text: string) => number;
let bpeCounter: BpeCounter | undefined;

/**
 * The BPE table is megabytes of JavaScript that takes longer to evaluate than the rest of the
 * CLI together, so it is loaded on the first count instead of with the module: `headroom
 * retrieve`, `--help` and the extension host never pay for it.
 */
function countBpeTokens(text: string): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  bpeCounter ??= (require('gpt-tokenizer/encoding/o200k_base') as typeof import('gpt-tokenizer/encoding/o200k_base'))
    .countTokens;
  return bpeCounter(text);
}

/**
 * Texts up to this length are counted exactly. Exact BPE runs at ~10 MB/s, far below the
 * engine's throughput, so longer texts are estimated from evenly spaced samples.
 */
const EXACT_LIMIT = 8_000;

/**
 * Agents re-send every short output (an edit's result, a command's two lines) on every turn,
 * and counting them again is most of a warm request's time: the counts of the most recent
 * short texts are kept, the oldest dropped first.
 */
const SHORT_TEXT = 2_000;
const SHORT_COUNTS_KEPT = 20_000;
const shortCounts = new Map<string, number>();

function shortTextTokens(text: string): number {
  let count = shortCounts.get(text);
  if (count === undefined) {
    count = countBpeTokens(text);
    if (shortCounts.size >= SHORT_COUNTS_KEPT) shortCounts.delete(shortCounts.keys().next().value!);
    shortCounts.set(text, count);
  }
  return count;
}
const SAMPLE_COUNT = 32;
const SAMPLE_LENGTH = 300;

/**
 * Token count with OpenAI's o200k_base BPE. For Claude models this is an estimate: Anthropic
 * does not publish its tokenizer, and counts differ by a few percent.
 */
export function countTokens(text: string): number {
  if (text.length <= SHORT_TEXT) return shortTextTokens(text);
  if (text.length <= EXACT_LIMIT) return countBpeTokens(text);
  let sampledChars = 0;
  let sampledTokens = 0;
  const stride = Math.floor(text.length / SAMPLE_COUNT);
  for (let i = 0; i < SAMPLE_COUNT; i++) {
    const start = alignToWhitespace(text, i * stride);
    const sample = text.slice(start, alignToWhitespace(text, start + SAMPLE_LENGTH));
    sampledChars += sample.length;
    sampledTokens += countBpeTokens(sample);
  }
  return Math.round((sampledTokens / sampledChars) * text.length);
}

/** Cutting a sample mid-word would count a split token twice. */
function alignToWhitespace(text: string, index: number): number {
  const limit = Math.min(text.length, index + 64);
  for (let i = index; i < limit; i++) {
    if (text.charCodeAt(i) <= 32) return i;
  }
  return Math.min(index, text.length);
}

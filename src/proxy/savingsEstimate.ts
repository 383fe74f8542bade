import { requestCost, type BilledTokens } from '../core/pricing';
import type { SavingsRecord } from '../store/records';
import type { ProviderUsage } from './usageObserver';

/** A compressed tool output of one request, for the accounting. */
export interface SavedOutput {
  /** Engine estimate of the tokens compression kept out of the request. */
  tokensSaved: number;
  /** Sent before in this form (a memo replay): it sits in the prefix the previous request cached. */
  replay: boolean;
}

type Region = 'read' | 'write' | 'input';

/**
 * What one request saved in dollars, from the provider's own usage: the same request with its
 * tool outputs unchanged, at the same cache state, less what it cost. A replayed output lies in
 * the cached prefix, so its tokens would have been cache reads (cache writes when nothing was
 * read); a new output lies past it, in what was written (plain input when nothing was). From
 * that come off the retrieve tool's definition (sent with every request) and the retrieval
 * rounds (each one re-reads the prompt). A request that rewrote its history (a checkpoint)
 * wrote `rewrittenTokens` the previous request had cached: that costs it the difference
 * between a write and a read. Undefined when no price is known for the model.
 */
export function estimateSavings(
  model: string | undefined,
  usage: ProviderUsage,
  outputs: readonly SavedOutput[],
  retrieveToolTokens: number,
  rewrittenTokens = 0,
): SavingsRecord | undefined {
  const later = usage.laterRounds ?? [];
  const first = later.reduce<BilledTokens>((rest, round) => subtract(rest, billed(round)), billed(usage));
  const actual = requestCost(model, first);
  if (!actual) return undefined;
  const replayRegion: Region =
    first.cacheRead > 0 ? 'read' : first.cacheWrite5m + first.cacheWrite1h > 0 ? 'write' : 'input';
  const newRegion: Region = first.cacheWrite5m + first.cacheWrite1h > 0 ? 'write' : 'input';
  // A checkpoint writes again what the previous request had cached: unchanged, it would have been read.
  const moved = Math.min(rewrittenTokens, first.cacheWrite5m + first.cacheWrite1h);
  let unchanged = place(place(first, 'write', -moved, first), 'read', moved, first);
  for (const output of outputs)
    unchanged = place(unchanged, output.replay ? replayRegion : newRegion, output.tokensSaved, first);
  const gross = requestCost(model, unchanged)!.input - actual.input;
  const withoutTool = place(first, replayRegion, -retrieveToolTokens, first);
  const retrieveTool = actual.input - requestCost(model, withoutTool)!.input;
  const retrieval = later.reduce((sum, round) => {
    const cost = requestCost(model, billed(round))!;
    return sum + cost.input + cost.output;
  }, 0);
  return { gross, retrieveTool, retrieval, net: gross - retrieveTool - retrieval };
}

function billed(usage: ProviderUsage): BilledTokens {
  const cacheWrite1h = Math.min(usage.cacheWrite1h, usage.cacheWrite);
  return {
    input: usage.input,
    cacheRead: usage.cacheRead,
    cacheWrite5m: usage.cacheWrite - cacheWrite1h,
    cacheWrite1h,
    output: usage.output,
  };
}

function subtract(a: BilledTokens, b: BilledTokens): BilledTokens {
  const minus = (x: number, y: number) => Math.max(0, x - y);
  return {
    input: minus(a.input, b.input),
    cacheRead: minus(a.cacheRead, b.cacheRead),
    cacheWrite5m: minus(a.cacheWrite5m, b.cacheWrite5m),
    cacheWrite1h: minus(a.cacheWrite1h, b.cacheWrite1h),
    output: minus(a.output, b.output),
  };
}

/** `tokens` added to (or, negative, taken from) a region; writes split between the TTLs as the request's own were. */
function place(tokens: BilledTokens, region: Region, count: number, shape: BilledTokens): BilledTokens {
  const clamp = (n: number) => Math.max(0, n);
  if (region === 'read') return { ...tokens, cacheRead: clamp(tokens.cacheRead + count) };
  if (region === 'input') return { ...tokens, input: clamp(tokens.input + count) };
  const written = shape.cacheWrite5m + shape.cacheWrite1h;
  const hourShare = written > 0 ? shape.cacheWrite1h / written : 0;
  return {
    ...tokens,
    cacheWrite5m: clamp(tokens.cacheWrite5m + count * (1 - hourShare)),
    cacheWrite1h: clamp(tokens.cacheWrite1h + count * hourShare),
  };
}

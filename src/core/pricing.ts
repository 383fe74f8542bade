import { calcPrice } from '@pydantic/genai-prices';

/**
 * Prices come from @pydantic/genai-prices, a maintained price list shipped as data (input,
 * output, cache reads, 5-minute and 1-hour cache writes, long-context tiers, price changes by
 * date). It is never fetched at run time: the package's bundled data is what a release ships.
 */
export const PRICES_SOURCE = '@pydantic/genai-prices';

/** Tokens of one request as the provider billed them, each counted once. */
export interface BilledTokens {
  /** Input at the plain rate (neither read from nor written to the cache). */
  input: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
}

export interface RequestCost {
  /** Dollars for everything the request sent (plain input, cache reads and writes). */
  input: number;
  output: number;
}

/** What the request cost, or undefined when no price is known for the model: never another model's price. */
export function requestCost(model: string | undefined, tokens: BilledTokens): RequestCost | undefined {
  if (!model) return undefined;
  const cacheWrite = tokens.cacheWrite5m + tokens.cacheWrite1h;
  const usage = {
    input_tokens: tokens.input + tokens.cacheRead + cacheWrite,
    cache_read_tokens: tokens.cacheRead,
    cache_write_tokens: cacheWrite,
    cache_write_1h_tokens: tokens.cacheWrite1h,
    output_tokens: tokens.output,
  };
  const price = calcPrice(usage, model, providerHint(model));
  return price ? { input: price.input_price, output: price.output_price } : undefined;
}

/** Dollars per token of plain input, or undefined for a model no price is known for. */
export function inputPricePerToken(model: string | undefined): number | undefined {
  const perMillion = requestCost(model, {
    input: 1_000_000,
    cacheRead: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    output: 0,
  })?.input;
  return perMillion === undefined ? undefined : perMillion / 1_000_000;
}

/** The provider when the id names it, so a model is never matched under another provider's list. */
function providerHint(model: string): { providerId?: string } {
  if (/^claude-/i.test(model)) return { providerId: 'anthropic' };
  if (/^(gpt-|o\d|codex-|chatgpt-)/i.test(model)) return { providerId: 'openai' };
  if (/^gemini-/i.test(model)) return { providerId: 'google' };
  return {};
}

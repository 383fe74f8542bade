/** List prices in US dollars per million tokens. Update with the providers' pages; the panel shows this date. */
export const PRICES_AS_OF = '2025-11';

export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/** Longest matching prefix of the model id wins, so dated and suffixed ids find their family. */
const PRICES: Array<[string, ModelPrice]> = [
  ['claude-opus-4-5', { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 }],
  ['claude-opus-4', { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 }],
  ['claude-sonnet-4', { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 }],
  ['claude-3-7-sonnet', { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 }],
  ['claude-haiku-4-5', { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 }],
  ['claude-3-5-haiku', { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 }],
  ['gpt-5-nano', { input: 0.05, output: 0.4, cacheWrite: 0.05, cacheRead: 0.005 }],
  ['gpt-5-mini', { input: 0.25, output: 2, cacheWrite: 0.25, cacheRead: 0.025 }],
  ['gpt-5', { input: 1.25, output: 10, cacheWrite: 1.25, cacheRead: 0.125 }],
  ['gpt-4.1-mini', { input: 0.4, output: 1.6, cacheWrite: 0.4, cacheRead: 0.1 }],
  ['gpt-4.1', { input: 2, output: 8, cacheWrite: 2, cacheRead: 0.5 }],
  ['gpt-4o-mini', { input: 0.15, output: 0.6, cacheWrite: 0.15, cacheRead: 0.075 }],
  ['gpt-4o', { input: 2.5, output: 10, cacheWrite: 2.5, cacheRead: 1.25 }],
  ['o4-mini', { input: 1.1, output: 4.4, cacheWrite: 1.1, cacheRead: 0.275 }],
  ['o3', { input: 2, output: 8, cacheWrite: 2, cacheRead: 0.5 }],
];

/** Used for models the table does not know, so savings are still shown (as an estimate). */
export const FALLBACK_PRICE: ModelPrice = { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 };

export function priceOf(model: string | undefined): ModelPrice {
  const id = (model ?? '').toLowerCase();
  let best: [string, ModelPrice] | undefined;
  for (const entry of PRICES) if (id.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  return best?.[1] ?? FALLBACK_PRICE;
}

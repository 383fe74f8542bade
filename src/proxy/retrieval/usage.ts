export type Usage = Record<string, number>;

/** Token counts of several upstream rounds added field by field, as one answer would report them. */
export function addUsage(total: Usage, usage: unknown): Usage {
  if (typeof usage !== 'object' || usage === null) return total;
  for (const [key, value] of Object.entries(usage)) {
    if (typeof value === 'number') total[key] = (total[key] ?? 0) + value;
  }
  return total;
}

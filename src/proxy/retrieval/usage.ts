export type Usage = Record<string, unknown>;

/** Token counts of several upstream rounds added field by field (nested details included), as one answer would report them. */
export function addUsage(total: Usage, usage: unknown): Usage {
  if (typeof usage !== 'object' || usage === null) return total;
  for (const [key, value] of Object.entries(usage)) {
    if (typeof value === 'number') total[key] = (typeof total[key] === 'number' ? (total[key] as number) : 0) + value;
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) total[key] = addUsage({ ...((total[key] as Usage | undefined) ?? {}) }, value);
  }
  return total;
}

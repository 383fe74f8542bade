/** Maximum without spreading into arguments, which overflows the stack for large arrays. */
export function maxOf(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}

export interface Moments {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

export function moments(values: readonly number[]): Moments {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { count: values.length, mean, std: Math.sqrt(squares / values.length), min, max };
}

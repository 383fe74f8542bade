/** Number formats shared by the status bar and the savings panel, so both say the same thing. */

/** 950, 12.3K, 1.2M: short enough for a status bar. */
export function formatTokens(count: number): string {
  const sign = count < 0 ? '-' : '';
  const n = Math.abs(count);
  if (n < 1_000) return `${sign}${Math.round(n)}`;
  for (const [size, unit] of [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ] as const) {
    if (n >= size * 0.9995) {
      const scaled = n / size;
      return `${sign}${scaled >= 100 ? Math.round(scaled) : Number(scaled.toFixed(1))}${unit}`;
    }
  }
  return `${sign}${n}`;
}

/** A share from 0 to 1 as a whole percentage; under 1% but above zero shows as "<1%". */
export function formatPercent(share: number): string {
  if (share > 0 && share < 0.005) return '<1%';
  return `${Math.round(share * 100)}%`;
}

export function formatDollars(amount: number): string {
  if (amount > 0 && amount < 0.01) return '<$0.01';
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A download size for people: "23.4 MB", "512 KB". */
export function formatMegabytes(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1_000))} KB`;
}

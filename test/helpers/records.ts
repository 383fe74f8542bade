/** A deterministic pseudo-random generator, so generated data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PlantedRecords {
  rows: Array<Record<string, unknown>>;
  /** ids of the rows that carry a planted anomaly, by kind of anomaly. */
  needles: Record<string, number>;
}

/**
 * API-style records with one planted needle of each kind the crusher must keep: an error,
 * an HTTP 5xx, a numeric outlier, success:false, a rare category, an odd shape, and a row
 * only the query points at.
 */
export function plantedRecords(count: number, seed = 7): PlantedRecords {
  const random = seededRandom(seed);
  const services = ['auth', 'search', 'checkout'];
  const rows = Array.from({ length: count }, (_, id) => ({
    id,
    region: 'us-east-1',
    service: services[Math.floor(id / Math.ceil(count / 3))],
    latency_ms: Math.round(40 + random() * 20),
    status: 200,
    user: `user-${1000 + Math.floor(random() * 5000)}`,
    message: 'request completed',
  })) as Array<Record<string, unknown>>;
  const at = (fraction: number) => Math.floor(count * fraction);
  const needles = {
    error: at(0.13),
    http5xx: at(0.29),
    outlier: at(0.42),
    successFalse: at(0.57),
    rare: at(0.66),
    shape: at(0.71),
    query: at(0.83),
  };
  rows[needles.error].error = 'connection reset by peer';
  rows[needles.http5xx].status = 503;
  rows[needles.outlier].latency_ms = 4_800;
  rows[needles.successFalse].success = false;
  rows[needles.rare].message = 'request throttled';
  rows[needles.shape].debug_dump = { heap: 123, threads: 7 };
  rows[needles.query].user = 'user-zebra-42';
  return { rows, needles };
}

/** Records as CSV under the union of their keys: a missing key is an empty cell, an object its JSON, quoted. */
export function recordsAsCsv(rows: ReadonlyArray<Record<string, unknown>>): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown) => {
    if (value === undefined) return '';
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((row) => columns.map((column) => cell(row[column])).join(','))].join('\n');
}

/** `plantedRecords` as CSV, each needle as the line of its planted row. */
export function plantedCsv(count: number, seed?: number): { text: string; needles: Record<string, string> } {
  const { rows, needles } = plantedRecords(count, seed);
  const text = recordsAsCsv(rows);
  const lines = text.split('\n');
  // Line 0 is the header.
  return { text, needles: Object.fromEntries(Object.entries(needles).map(([kind, id]) => [kind, lines[id + 1]])) };
}

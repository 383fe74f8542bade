import { ERROR_WORDS } from './lines';
import { marker } from '../marker';
import { moments } from '../numeric';
import { topRelevant } from '../relevance/topRelevant';
import { relevanceScores, type CompressorContext, type CompressorResult } from './compressor';
import { KeepSet } from './keepSet';
import { KeptGroups } from './keptGroups';
import { constantColumns, describeSelection, selectRecords, type JsonObject } from './recordSelection';
import { isRecord } from '../../shared/isRecord';

/** Arrays shorter than this are left as they are: there is too little to choose from. */
export const MIN_ARRAY_ITEMS = 8;
/**
 * Objects with at least this many keys whose values are alike (a map keyed by name, version
 * or id: dependencies, a package's versions, records by id) are crushed as a list of entries.
 */
const MIN_MAP_ENTRIES = 24;
/** The key under which a crushed map says what it left out. */
export const OMITTED_KEY = '_headroom_omitted';
/** Deeper structures are passed through rather than walked. */
const MAX_DEPTH = 48;
/**
 * Strings longer than this (a diff hunk, a file's content, a description inside an API
 * answer) keep their start and end around a marker. An answer the model has just asked for is
 * cut only when huge: what it reads next may be anywhere in it; turns back, far less is kept.
 */
const LONG_STRING = {
  current: { above: 20_000, head: 8_000, tail: 2_000 },
  history: { above: 800, head: 300, tail: 100 },
};
/** The key under which a kept record carries the number of identical records it stands for. */
export const REPEAT_KEY = '_headroom_count';

/**
 * Statistical filtering of JSON: every large array inside the document keeps the items the
 * model almost always needs (errors, outliers, extremes, change points, rare values, items
 * relevant to the query, the first and last few) and a marker that summarises and retrieves the rest.
 * The output is compact, valid JSON.
 */
export async function crushJson(
  input: string,
  context: CompressorContext,
  parsed?: unknown,
): Promise<CompressorResult | undefined> {
  const root = parsed === undefined ? (JSON.parse(input) as unknown) : parsed;
  const transforms = new Set<string>();
  const crusher = new Crusher(context, root, transforms);
  const text = JSON.stringify(await crusher.walk(root, 0));
  if (text.length < input.length) transforms.add('json:minify');
  return transforms.size > 0 ? { text, transforms: [...transforms] } : undefined;
}

class Crusher {
  constructor(
    private readonly context: CompressorContext,
    private readonly root: unknown,
    private readonly transforms: Set<string>,
  ) {}

  async walk(node: unknown, depth: number): Promise<unknown> {
    this.context.checkDeadline();
    if (depth > MAX_DEPTH) return node;
    if (Array.isArray(node)) {
      if (node.length >= MIN_ARRAY_ITEMS) return this.crushArray(node, depth);
      return this.walkAll(node, depth);
    }
    if (isRecord(node)) {
      // A file read whole may be edited next (package.json): its maps stay whole.
      if (this.context.role !== 'whole-file' && isUniformMap(node)) return this.crushMap(node, depth);
      const out: JsonObject = {};
      for (const [key, value] of Object.entries(node)) out[key] = await this.walk(value, depth + 1);
      return out;
    }
    if (typeof node === 'string') return this.cutString(node);
    return node;
  }

  private cutString(text: string): string {
    const { above, head, tail } = LONG_STRING[this.context.role === 'history' ? 'history' : 'current'];
    if (text.length <= above) return text;
    this.transforms.add('json:long-strings');
    const hash = this.context.keepOriginal(text, 'prose');
    const omitted = text.length - head - tail;
    return `${text.slice(0, head)}…${marker(`${omitted} characters of this string omitted`, hash)}…${text.slice(-tail)}`;
  }

  private async walkAll(items: readonly unknown[], depth: number): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const item of items) out.push(await this.walk(item, depth + 1));
    return out;
  }

  private async crushArray(items: unknown[], depth: number): Promise<unknown> {
    const objects = items.filter(isRecord).length;
    if (objects >= items.length * 0.8) return this.crushRecords(items, depth);
    if (items.every((v) => typeof v === 'number' && Number.isFinite(v))) return this.crushSeries(items as number[]);
    return this.crushList(items, depth);
  }

  /**
   * A map's entries chosen as records are (errors, outliers, rare values, relevance, first and
   * last), each key with its value; the marker, under its own key, says what the rest held.
   */
  private async crushMap(node: JsonObject, depth: number): Promise<unknown> {
    const entries = Object.entries(node);
    const rows = entries.map(([key, value]) => (isRecord(value) ? { key, ...value } : { key, value }));
    const selection = await selectRecords(rows, this.context, (i) => toJson(rows[i]));
    const kept = selection.keep.indices();
    if (kept.length >= entries.length * 0.9) {
      const out: JsonObject = {};
      for (const [key, value] of entries) out[key] = await this.walk(value, depth + 1);
      return out;
    }
    this.transforms.add('json:map');
    const out: JsonObject = {};
    for (const i of kept) out[entries[i][0]] = await this.walk(entries[i][1], depth + 1);
    const matches = selection.unshownMatches > 0 ? `; ${selection.unshownMatches} more omitted match the question` : '';
    const description = `${entries.length - kept.length} of ${entries.length} entries omitted; kept ${selection.keep.describe()}${matches}`;
    out[OMITTED_KEY] = marker(description, this.originalHash(node));
    return out;
  }

  /** The hash a marker for this array names; the root array is the stored input itself. */
  private originalHash(items: unknown): string {
    return items === this.root ? this.context.inputHash : this.context.keepOriginal(JSON.stringify(items), 'json');
  }

  private async crushRecords(rows: unknown[], depth: number): Promise<unknown> {
    const n = rows.length;
    const selection = await selectRecords(rows, this.context, (i) => toJson(rows[i]));
    const { groups } = selection;
    const kept = groups.representatives;
    if (kept.length >= n * 0.9) return this.walkAll(rows, depth);

    const constants = constantColumns(rows, selection.columns);
    const out: unknown[] = [];
    for (const i of kept) {
      const row = await this.walk(rows[i], depth + 1);
      out.push(isRecord(row) ? withoutKeys(row, constants, groups.copies(i)) : row);
    }
    this.transforms.add('json:rows');
    if (constants.size > 0) this.transforms.add('json:constants');
    if (kept.some((i) => groups.copies(i) > 1)) this.transforms.add('json:dedupe');
    out.push(marker(describeSelection(n, selection, constants), this.originalHash(rows)));
    return out;
  }

  private crushSeries(values: number[]): unknown {
    const { tuning } = this.context;
    const n = values.length;
    const keep = new KeepSet();
    const m = moments(values);
    values.forEach((v, i) => {
      if (m.std > 0 && Math.abs(v - m.mean) > tuning.outlierSigmas * m.std) keep.add(i, 'outliers');
    });
    keep.add(values.indexOf(m.min), 'extremes');
    keep.add(values.indexOf(m.max), 'extremes');
    for (const i of levelShifts(values)) {
      keep.add(i - 1, 'changes');
      keep.add(i, 'changes');
    }
    for (let i = 0; i < Math.min(tuning.headRows, n); i++) keep.add(i, 'first');
    for (let i = Math.max(0, n - tuning.tailRows); i < n; i++) keep.add(i, 'last');
    const kept = keep.indices();
    if (kept.length >= n * 0.9) return values;
    this.transforms.add('json:series');
    const description = `${n - kept.length} of ${n} numbers omitted; kept ${keep.describe()} at indices ${kept.join(',')}; all in ${m.min}–${m.max}, mean ${round(m.mean)}`;
    return [...kept.map((i) => values[i]), marker(description, this.originalHash(values))];
  }

  private async crushList(items: unknown[], depth: number): Promise<unknown> {
    const { tuning } = this.context;
    const n = items.length;
    const serialized = items.map(toJson);
    const keep = new KeepSet();
    serialized.forEach((text, i) => {
      if (ERROR_WORDS.test(text)) keep.add(i, 'errors');
    });
    const scores = await relevanceScores(this.context, serialized);
    if (scores) for (const i of topRelevant(scores, tuning.relevantRows)) keep.add(i, 'relevant');
    for (let i = 0; i < Math.min(tuning.headRows, n); i++) keep.add(i, 'first');
    for (let i = Math.max(0, n - tuning.tailRows); i < n; i++) keep.add(i, 'last');
    const groups = new KeptGroups(
      items.length,
      keep.indices(),
      (i) => serialized[i],
      (i) => serialized[i],
    );
    const kept = groups.representatives;
    if (kept.length >= n * 0.9) return this.walkAll(items, depth);
    this.transforms.add('json:list');
    const out: unknown[] = [];
    for (const i of kept) out.push(await this.walk(items[i], depth + 1));
    const represented = kept.reduce((sum, i) => sum + groups.copies(i), 0);
    out.push(marker(`${n - represented} of ${n} items omitted; kept ${keep.describe()}`, this.originalHash(items)));
    return out;
  }
}

const toJson = (value: unknown): string => JSON.stringify(value) ?? 'null';

/** Many keys, and values of one kind: objects (most of them), or primitives of one type. */
function isUniformMap(node: JsonObject): boolean {
  const values = Object.values(node);
  if (values.length < MIN_MAP_ENTRIES || OMITTED_KEY in node) return false;
  const kinds = new Map<string, number>();
  for (const value of values) {
    const kind = isRecord(value) ? 'object' : Array.isArray(value) ? 'array' : typeof value;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const [kind, count] = [...kinds].sort((a, b) => b[1] - a[1])[0];
  return kind !== 'array' && count >= values.length * 0.9;
}

function withoutKeys(row: JsonObject, constants: Map<string, string>, copies: number): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(row)) if (!constants.has(key)) out[key] = value;
  if (copies > 1) out[REPEAT_KEY] = copies;
  return out;
}

/** Indices where a numeric series jumps by far more than its usual step. */
function levelShifts(values: number[]): number[] {
  if (values.length < 4) return [];
  const steps = values.slice(1).map((v, i) => v - values[i]);
  const m = moments(steps.map(Math.abs));
  const threshold = m.mean + 3 * m.std;
  return steps.flatMap((step, i) => (m.std > 0 && Math.abs(step) > threshold ? [i + 1] : []));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

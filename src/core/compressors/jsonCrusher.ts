import { marker } from '../marker';
import { maxOf, moments } from '../numeric';
import { topRelevant } from '../relevance/topRelevant';
import { relevanceScores, type CompressorContext, type CompressorResult } from './compressor';

/** Arrays shorter than this are left as they are: there is too little to choose from. */
export const MIN_ARRAY_ITEMS = 8;
/** Deeper structures are passed through rather than walked. */
const MAX_DEPTH = 48;
/** Constants longer than this stay in the rows: naming them in the marker would cost as much. */
const MAX_CONSTANT_LENGTH = 120;
/** Categorical columns with more distinct values than this are treated as free text. */
const MAX_CATEGORIES = 50;
/** The key under which a kept record carries the number of identical records it stands for. */
export const REPEAT_KEY = '_headroom_count';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Statistical filtering of JSON: every large array inside the document keeps the items the
 * model almost always needs (errors, outliers, extremes, change points, rare values, items
 * relevant to the query, the first and last few) and a marker that summarises and retrieves the rest.
 * The output is compact, valid JSON.
 */
export async function crushJson(input: string, context: CompressorContext, parsed?: unknown): Promise<CompressorResult | undefined> {
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
    if (isObject(node)) {
      const out: JsonObject = {};
      for (const [key, value] of Object.entries(node)) out[key] = await this.walk(value, depth + 1);
      return out;
    }
    return node;
  }

  private async walkAll(items: readonly unknown[], depth: number): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const item of items) out.push(await this.walk(item, depth + 1));
    return out;
  }

  private async crushArray(items: unknown[], depth: number): Promise<unknown> {
    const objects = items.filter(isObject).length;
    if (objects >= items.length * 0.8) return this.crushRecords(items, depth);
    if (items.every((v) => typeof v === 'number' && Number.isFinite(v))) return this.crushSeries(items as number[]);
    return this.crushList(items, depth);
  }

  /** The hash a marker for this array names; the root array is the stored input itself. */
  private originalHash(items: unknown[]): string {
    return items === this.root ? this.context.inputHash : this.context.keepOriginal(JSON.stringify(items), 'json');
  }

  private async crushRecords(rows: unknown[], depth: number): Promise<unknown> {
    const { tuning } = this.context;
    const n = rows.length;
    const { columns, shapes } = analyseColumns(rows);
    const keep = new KeepSet();

    rows.forEach((row, i) => {
      if (!isObject(row)) keep.add(i, 'non-records');
      else if (hasError(row)) keep.add(i, 'errors');
    });
    for (const column of columns.values()) {
      this.context.checkDeadline();
      const { numbers, categories, sequence } = column;
      if (numbers.values.length >= Math.max(5, n * 0.5)) {
        const m = moments(numbers.values);
        if (m.std > 0) {
          numbers.values.forEach((value, k) => {
            if (Math.abs(value - m.mean) > tuning.outlierSigmas * m.std) keep.add(numbers.rows[k], 'outliers');
          });
        }
        keep.add(numbers.rows[numbers.values.indexOf(m.min)], 'extremes');
        keep.add(numbers.rows[numbers.values.indexOf(m.max)], 'extremes');
      }
      if (categories && categories.size >= 2) {
        const changes = changePoints(sequence);
        if (changes.length <= Math.max(3, n * 0.05)) for (const row of changes) keep.add(row, 'changes');
        const dominant = maxOf([...categories.values()]);
        if (categories.size <= 20 && dominant >= n * 0.5) {
          const rareLimit = Math.max(1, Math.floor(n * 0.02));
          let found = 0;
          for (let k = 0; k < sequence.values.length && found < tuning.rareRowsPerColumn; k++) {
            if ((categories.get(sequence.values[k]) ?? 0) > rareLimit) continue;
            keep.add(sequence.rows[k], 'rare values');
            found++;
          }
        }
      }
    }
    for (const row of schemaAnomalies(shapes).slice(0, tuning.rareRowsPerColumn)) keep.add(row, 'odd shape');

    // Rows are serialised for relevance only when there is a query to score them against.
    const serialized = this.context.query?.trim() ? rows.map(toJson) : undefined;
    const scores = serialized && (await relevanceScores(this.context, serialized));
    if (scores) for (const row of topRelevant(scores, tuning.relevantRows)) keep.add(row, 'relevant');
    for (let i = 0; i < Math.min(tuning.headRows, n); i++) keep.add(i, 'first');
    for (let i = Math.max(0, n - tuning.tailRows); i < n; i++) keep.add(i, 'last');

    const pivot = pivotKey(rows);
    const groups = new KeptGroups(rows.length, keep.indices(), (i) => cheapIdentity(rows[i], pivot), (i) => serialized?.[i] ?? toJson(rows[i]));
    const kept = groups.representatives;
    if (kept.length >= n * 0.9) return this.walkAll(rows, depth);

    const constants = constantColumns(rows, columns);
    const out: unknown[] = [];
    for (const i of kept) {
      const row = await this.walk(rows[i], depth + 1);
      out.push(isObject(row) ? withoutKeys(row, constants, groups.copies(i)) : row);
    }
    const omitted = n - kept.reduce((sum, i) => sum + groups.copies(i), 0);
    const dropped = groups.dropped();
    this.transforms.add('json:rows');
    if (constants.size > 0) this.transforms.add('json:constants');
    if (kept.some((i) => groups.copies(i) > 1)) this.transforms.add('json:dedupe');

    const parts = [`${omitted} of ${n} rows omitted`, `kept ${keep.describe()}`];
    if (constants.size > 0) parts.push(`all rows: ${[...constants].map(([k, v]) => `${k}=${v}`).join(', ')}`);
    const summary = summariseRows(dropped, columns, constants);
    if (summary) parts.push(`omitted rows: ${summary}`);
    out.push(marker(parts.join('; '), this.originalHash(rows)));
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
    const groups = new KeptGroups(items.length, keep.indices(), (i) => serialized[i], (i) => serialized[i]);
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

/** Indices to keep, each with the reasons it is kept, in a stable order. */
class KeepSet {
  private readonly reasons = new Map<number, Set<string>>();

  add(index: number, reason: string): void {
    if (index < 0) return;
    const set = this.reasons.get(index) ?? new Set<string>();
    set.add(reason);
    this.reasons.set(index, set);
  }

  indices(): number[] {
    return [...this.reasons.keys()].sort((a, b) => a - b);
  }

  describe(): string {
    const counts = new Map<string, number>();
    for (const set of this.reasons.values()) for (const reason of set) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    return [...counts].map(([reason, count]) => `${count} ${reason}`).join(', ');
  }
}

const toJson = (value: unknown): string => JSON.stringify(value) ?? 'null';

/**
 * The kept items with identical ones folded into one, and how many items each stands for.
 * Serialising every item to compare them would cost as much as the rest of the analysis, so
 * an item is serialised only when a cheap identity (see `cheapIdentity`) matches a kept one's.
 */
class KeptGroups {
  /** One kept index per group of identical items, in order. */
  readonly representatives: number[] = [];
  /** Each item's representative, or -1 when it is identical to no kept item. */
  private readonly groupOf: Int32Array;
  private readonly sizes = new Map<number, number>();

  constructor(count: number, kept: readonly number[], identity: (i: number) => unknown, json: (i: number) => string) {
    this.groupOf = new Int32Array(count).fill(-1);
    const byJson = new Map<string, number>();
    const identities = new Set<unknown>();
    for (const i of kept) {
      const text = json(i);
      if (byJson.has(text)) continue;
      byJson.set(text, i);
      this.representatives.push(i);
      identities.add(identity(i));
    }
    for (let i = 0; i < count; i++) {
      if (!identities.has(identity(i))) continue;
      const representative = byJson.get(json(i));
      if (representative === undefined) continue;
      this.groupOf[i] = representative;
      this.sizes.set(representative, (this.sizes.get(representative) ?? 0) + 1);
    }
  }

  /** How many items the representative `i` stands for. */
  copies(i: number): number {
    return this.sizes.get(i) ?? 1;
  }

  /** The items identical to no kept one. */
  dropped(): number[] {
    const dropped: number[] = [];
    this.groupOf.forEach((group, i) => {
      if (group === -1) dropped.push(i);
    });
    return dropped;
  }
}

/** Rows sampled to choose the pivot column. */
const PIVOT_SAMPLE = 256;

/** The column whose primitive values are most varied among the first rows: identical rows must agree on it. */
function pivotKey(rows: readonly unknown[]): string | undefined {
  const sample = rows.slice(0, PIVOT_SAMPLE).filter(isObject);
  const distinct = new Map<string, Set<unknown>>();
  for (const row of sample) {
    for (const key in row) {
      const value = row[key];
      if (typeof value === 'object' && value !== null) continue;
      let values = distinct.get(key);
      if (!values) distinct.set(key, (values = new Set()));
      values.add(value);
    }
  }
  let best: string | undefined;
  for (const [key, values] of distinct) if (best === undefined || values.size > distinct.get(best)!.size) best = key;
  return best;
}

/** A row's value in the pivot column when it is a primitive; anything else falls back to one shared identity, so it is compared in full. */
function cheapIdentity(row: unknown, pivot: string | undefined): unknown {
  if (pivot === undefined || !isObject(row)) return FULL_COMPARISON;
  const value = row[pivot];
  return typeof value === 'object' && value !== null ? FULL_COMPARISON : value;
}

const FULL_COMPARISON = Symbol('compare in full');

/** Values of one column with the rows they come from, as two parallel arrays: no object per cell. */
interface Cells<T> {
  rows: number[];
  values: T[];
}

interface Column {
  /** Rows holding this key. */
  present: number;
  numbers: Cells<number>;
  /** Value counts, or undefined once the column has too many distinct values to be categorical. */
  categories: Map<string, number> | undefined;
  sequence: Cells<string>;
  /** Whether every row so far holds the same value as the first. */
  constant: boolean;
  firstValue: unknown;
}

/** Whether two cells hold the same value: primitives compared as they are, objects by their JSON. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/**
 * One pass over the rows: each column's numbers, categories, order of values and constancy,
 * and each row's shape (its sorted key list). Records of one kind mostly list the same keys in
 * the same order, so the columns of the previous row are tried first, by position, before
 * looking a key up.
 */
function analyseColumns(rows: unknown[]): { columns: Map<string, Column>; shapes: string[] } {
  const columns = new Map<string, Column>();
  const shapes: string[] = [];
  const sortedShape = new Map<string, string>();
  let previousKeys: string[] = [];
  let previousColumns: Column[] = [];
  let previousShape = '';
  rows.forEach((row, i) => {
    if (!isObject(row)) {
      shapes.push('');
      return;
    }
    let k = 0;
    let sameKeys = true;
    for (const key in row) {
      const value = row[key];
      let column = previousKeys[k] === key ? previousColumns[k] : undefined;
      if (!column) {
        sameKeys = false;
        column = columns.get(key);
        if (!column) {
          column = { present: 0, numbers: { rows: [], values: [] }, categories: new Map(), sequence: { rows: [], values: [] }, constant: true, firstValue: value };
          columns.set(key, column);
        }
        previousKeys[k] = key;
        previousColumns[k] = column;
      }
      k++;
      addCell(column, value, i);
    }
    if (!sameKeys || k !== previousKeys.length) {
      previousKeys = previousKeys.slice(0, k);
      previousColumns = previousColumns.slice(0, k);
      const inOrder = previousKeys.join('\u0000');
      previousShape = sortedShape.get(inOrder) ?? [...previousKeys].sort().join('\u0000');
      sortedShape.set(inOrder, previousShape);
    }
    shapes.push(previousShape);
  });
  return { columns, shapes };
}

function addCell(column: Column, value: unknown, row: number): void {
  column.present++;
  if (typeof value === 'number' && Number.isFinite(value)) {
    column.numbers.rows.push(row);
    column.numbers.values.push(value);
  }
  if (column.categories && (typeof value === 'string' || typeof value === 'boolean')) {
    const category = String(value);
    if (category.length <= 100) {
      column.categories.set(category, (column.categories.get(category) ?? 0) + 1);
      column.sequence.rows.push(row);
      column.sequence.values.push(category);
      if (column.categories.size > MAX_CATEGORIES) column.categories = undefined;
    }
  }
  if (column.constant && column.present > 1) column.constant = sameValue(value, column.firstValue);
}

/** Columns every row holds with the same short value, unless that would leave the rows empty. */
function constantColumns(rows: unknown[], columns: Map<string, Column>): Map<string, string> {
  if (!rows.every(isObject)) return new Map();
  const constants = new Map<string, string>();
  for (const [key, column] of columns) {
    if (column.present !== rows.length || !column.constant) continue;
    const text = JSON.stringify(column.firstValue) ?? 'null';
    if (text.length <= MAX_CONSTANT_LENGTH) constants.set(key, text);
  }
  return constants.size < columns.size ? constants : new Map();
}

function withoutKeys(row: JsonObject, constants: Map<string, string>, copies: number): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(row)) if (!constants.has(key)) out[key] = value;
  if (copies > 1) out[REPEAT_KEY] = copies;
  return out;
}

function changePoints(sequence: Cells<string>): number[] {
  const rows: number[] = [];
  for (let k = 1; k < sequence.values.length; k++) if (sequence.values[k] !== sequence.values[k - 1]) rows.push(sequence.rows[k]);
  return rows;
}

/** Rows whose set of keys is rare while one shape dominates: a missing or extra field is a signal. */
function schemaAnomalies(shapes: readonly string[]): number[] {
  const counts = new Map<string, number>();
  for (const shape of shapes) counts.set(shape, (counts.get(shape) ?? 0) + 1);
  const dominant = maxOf([...counts.values()]);
  if (counts.size < 2 || dominant < shapes.length * 0.5) return [];
  const rareLimit = Math.max(1, Math.floor(shapes.length * 0.02));
  return shapes.flatMap((shape, i) => ((counts.get(shape) ?? 0) <= rareLimit ? [i] : []));
}

/** Indices where a numeric series jumps by far more than its usual step. */
function levelShifts(values: number[]): number[] {
  if (values.length < 4) return [];
  const steps = values.slice(1).map((v, i) => v - values[i]);
  const m = moments(steps.map(Math.abs));
  const threshold = m.mean + 3 * m.std;
  return steps.flatMap((step, i) => (m.std > 0 && Math.abs(step) > threshold ? [i + 1] : []));
}

const ERROR_WORDS = /\b(error|errors|exception|fatal|failed|failure|panic|traceback|crash(ed)?|timed? ?out)\b/i;
const ERROR_KEYS = /^(error|errors|err|exception|failure|fault|stack|stacktrace|stack_trace)$/i;
const STATUS_KEYS = /^(status|status_?code|http_?status|http_?code|code|response_?code)$/i;
const MESSAGE_KEYS = /^(msg|message|reason|detail|details|stderr|level|severity|log_?level|status|state|result|outcome|conclusion|event)$/i;
const FLAG_KEYS = /^(success|succeeded|ok|passed)$/i;

const enum KeyRole {
  None = 0,
  Error = 1,
  Status = 2,
  Flag = 4,
  Message = 8,
}

/** Records repeat their keys, so each key's role is worked out once. */
const keyRoles = new Map<string, number>();

function roleOf(key: string): number {
  let role = keyRoles.get(key);
  if (role === undefined) {
    role = (ERROR_KEYS.test(key) ? KeyRole.Error : 0) | (STATUS_KEYS.test(key) ? KeyRole.Status : 0) | (FLAG_KEYS.test(key) ? KeyRole.Flag : 0) | (MESSAGE_KEYS.test(key) ? KeyRole.Message : 0);
    if (keyRoles.size > 10_000) keyRoles.clear();
    keyRoles.set(key, role);
  }
  return role;
}

/** Error signals in a record: error fields, HTTP status ≥ 400, success:false, error words in message fields. */
export function hasError(row: JsonObject): boolean {
  for (const key in row) {
    const value = row[key];
    const role = roleOf(key);
    if (role & KeyRole.Error && isPresent(value)) return true;
    if (role & KeyRole.Status) {
      const code = typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : value;
      if (typeof code === 'number' && code >= 400 && code <= 599) return true;
    }
    if (role & KeyRole.Flag && value === false) return true;
    if (role & KeyRole.Message && typeof value === 'string' && ERROR_WORDS.test(value)) return true;
    if (isObject(value)) {
      for (const inner in value) if (roleOf(inner) & KeyRole.Error && isPresent(value[inner])) return true;
    }
  }
  return false;
}

function isPresent(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

/** Ranges of numbers and top values of categories among the dropped rows, a few columns' worth. */
function summariseRows(dropped: number[], columns: Map<string, Column>, constants: Map<string, string>): string {
  if (dropped.length === 0) return '';
  const isDropped = new Uint8Array(maxOf(dropped) + 1);
  for (const row of dropped) isDropped[row] = 1;
  const parts: string[] = [];
  const ranked = [...columns].filter(([key]) => !constants.has(key));
  const categorical = ranked.filter(([, c]) => c.categories && c.categories.size <= 10 && c.categories.size >= 2);
  const numeric = ranked.filter(([, c]) => c.numbers.values.length >= c.present * 0.8 && c.numbers.values.length > 0);
  for (const [key, column] of categorical.slice(0, 3)) {
    const counts = new Map<string, number>();
    column.sequence.values.forEach((value, k) => {
      if (isDropped[column.sequence.rows[k]]) counts.set(value, (counts.get(value) ?? 0) + 1);
    });
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3);
    if (top.length > 0) parts.push(`${key} ${top.map(([v, c]) => `${v}×${c}`).join(' ')}`);
  }
  for (const [key, column] of numeric.slice(0, 3)) {
    const values = column.numbers.values.filter((_, k) => isDropped[column.numbers.rows[k]] === 1);
    if (values.length === 0) continue;
    const m = moments(values);
    parts.push(m.min === m.max ? `${key} ${m.min}` : `${key} ${m.min}–${m.max}`);
  }
  return parts.join(', ');
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

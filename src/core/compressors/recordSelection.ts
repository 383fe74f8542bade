import { ERROR_WORDS } from './lines';
import { maxOf, moments } from '../numeric';
import { relevantLeftOut, topRelevant } from '../relevance/topRelevant';
import { relevanceScores, type CompressorContext } from './compressor';
import { KeepSet } from './keepSet';
import { KeptGroups } from './keptGroups';
import { isRecord } from '../../shared/isRecord';

/** Constants longer than this stay in the rows: naming them in the marker would cost as much. */
const MAX_CONSTANT_LENGTH = 120;
/** Categorical columns with more distinct values than this are treated as free text. */
const MAX_CATEGORIES = 50;

export type JsonObject = Record<string, unknown>;

export interface RecordSelection {
  /** Why each kept record is kept. */
  keep: KeepSet;
  /** The kept records, identical ones folded into one. */
  groups: KeptGroups;
  columns: Map<string, Column>;
  /** Rows that match the query beyond those kept: the marker says so, for a retrieve with the query. */
  unshownMatches: number;
}

/**
 * The records a compressed set keeps: rows carrying errors, numeric outliers beyond the
 * tuning's σ, each numeric column's extremes, change points and rare values of categorical
 * columns, rows of a rare shape, the rows most relevant to the query and the first and last
 * few; identical rows are folded together. `text(i)` is record i as text, for relevance and
 * for telling identical records apart.
 */
export async function selectRecords(
  rows: readonly unknown[],
  context: CompressorContext,
  text: (i: number) => string,
): Promise<RecordSelection> {
  const { tuning } = context;
  const n = rows.length;
  const { columns, shapes } = analyseColumns(rows);
  const keep = new KeepSet();

  rows.forEach((row, i) => {
    if (!isRecord(row)) keep.add(i, 'non-records');
    else if (hasError(row)) keep.add(i, 'errors');
  });
  for (const column of columns.values()) {
    context.checkDeadline();
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
      const rareLimit = Math.max(1, Math.floor(n * 0.02));
      if (categories.size <= 20 && isCategorical([...categories.values()], n, rareLimit)) {
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

  // Rows are turned into text for relevance only when there is a query to score them against.
  const texts = context.query?.trim() ? rows.map((_, i) => text(i)) : undefined;
  const scores = texts && (await relevanceScores(context, texts));
  if (scores) for (const row of topRelevant(scores, tuning.relevantRows)) keep.add(row, 'relevant');
  for (let i = 0; i < Math.min(tuning.headRows, n); i++) keep.add(i, 'first');
  for (let i = Math.max(0, n - tuning.tailRows); i < n; i++) keep.add(i, 'last');

  const pivot = pivotKey(rows);
  const groups = new KeptGroups(
    n,
    keep.indices(),
    (i) => cheapIdentity(rows[i], pivot),
    (i) => texts?.[i] ?? text(i),
  );
  const kept = new Set(keep.indices());
  const unshownMatches = scores ? relevantLeftOut(scores, tuning.relevantRows, kept) : 0;
  return { keep, groups, columns, unshownMatches };
}

/**
 * The marker text of a record selection: how many rows were omitted, why the kept ones were
 * kept, the constant columns, and what the omitted rows held.
 */
export function describeSelection(n: number, selection: RecordSelection, constants: Map<string, string>): string {
  const { keep, groups, columns } = selection;
  const omitted = n - groups.representatives.reduce((sum, i) => sum + groups.copies(i), 0);
  const parts = [`${omitted} of ${n} rows omitted`, `kept ${keep.describe()}`];
  if (selection.unshownMatches > 0)
    parts.push(
      `${selection.unshownMatches} more omitted ${selection.unshownMatches === 1 ? 'row matches' : 'rows match'} the question`,
    );
  if (constants.size > 0) parts.push(`all rows: ${[...constants].map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const summary = summariseRows(groups.dropped(), columns, constants);
  if (summary) parts.push(`omitted rows: ${summary}`);
  return parts.join('; ');
}

/** Rows sampled to choose the pivot column. */
const PIVOT_SAMPLE = 256;

/** The column whose primitive values are most varied among the first rows: identical rows must agree on it. */
function pivotKey(rows: readonly unknown[]): string | undefined {
  const sample = rows.slice(0, PIVOT_SAMPLE).filter(isRecord);
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
  if (pivot === undefined || !isRecord(row)) return FULL_COMPARISON;
  const value = row[pivot];
  return typeof value === 'object' && value !== null ? FULL_COMPARISON : value;
}

const FULL_COMPARISON = Symbol('compare in full');

/** Values of one column with the rows they come from, as two parallel arrays: no object per cell. */
interface Cells<T> {
  rows: number[];
  values: T[];
}

export interface Column {
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
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null)
    return JSON.stringify(a) === JSON.stringify(b);
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/**
 * One pass over the rows: each column's numbers, categories, order of values and constancy,
 * and each row's shape (its sorted key list). Records of one kind mostly list the same keys in
 * the same order, so the columns of the previous row are tried first, by position, before
 * looking a key up.
 */
function analyseColumns(rows: readonly unknown[]): { columns: Map<string, Column>; shapes: string[] } {
  const columns = new Map<string, Column>();
  const shapes: string[] = [];
  const sortedShape = new Map<string, string>();
  let previousKeys: string[] = [];
  let previousColumns: Column[] = [];
  let previousShape = '';
  rows.forEach((row, i) => {
    if (!isRecord(row)) {
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
          column = {
            present: 0,
            numbers: { rows: [], values: [] },
            categories: new Map(),
            sequence: { rows: [], values: [] },
            constant: true,
            firstValue: value,
          };
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
export function constantColumns(rows: readonly unknown[], columns: Map<string, Column>): Map<string, string> {
  if (!rows.every(isRecord)) return new Map();
  const constants = new Map<string, string>();
  for (const [key, column] of columns) {
    if (column.present !== rows.length || !column.constant) continue;
    const text = JSON.stringify(column.firstValue) ?? 'null';
    if (text.length <= MAX_CONSTANT_LENGTH) constants.set(key, text);
  }
  return constants.size < columns.size ? constants : new Map();
}

/**
 * A column of a few values that each repeat (one dominant, or several common ones, as regions
 * or statuses are), so a value seen once or twice among them stands out.
 */
function isCategorical(counts: readonly number[], n: number, rareLimit: number): boolean {
  if (maxOf(counts) >= n * 0.5) return true;
  const common = counts.filter((count) => count > rareLimit);
  return common.length >= 2 && common.length <= 10 && Math.min(...common) >= Math.max(5, 5 * rareLimit);
}

function changePoints(sequence: Cells<string>): number[] {
  const rows: number[] = [];
  for (let k = 1; k < sequence.values.length; k++)
    if (sequence.values[k] !== sequence.values[k - 1]) rows.push(sequence.rows[k]);
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

const ERROR_KEYS = /^(error|errors|err|exception|failure|fault|stack|stacktrace|stack_trace)$/i;
const STATUS_KEYS = /^(status|status_?code|http_?status|http_?code|code|response_?code)$/i;
const MESSAGE_KEYS =
  /^(msg|message|reason|detail|details|stderr|level|severity|log_?level|status|state|result|outcome|conclusion|event)$/i;
const FLAG_KEYS = /^(success|succeeded|ok|passed)$/i;
const SEVERITY_KEYS = /^(severity|level|log_?level|priority|prio|criticality|risk|impact|sev|urgency)$/i;
/** The values of a severity column that mark a row worth keeping, whatever the question. */
const SEVERE =
  /^(critical|crit|fatal|error|err|emerg(ency)?|alert|high|highest|severe|blocker|major|urgent|p0|p1|sev[-_ ]?[01])$/i;

const enum KeyRole {
  None = 0,
  Error = 1,
  Status = 2,
  Flag = 4,
  Message = 8,
  Severity = 16,
}

/** Records repeat their keys, so each key's role is worked out once. */
const keyRoles = new Map<string, number>();

function roleOf(key: string): number {
  let role = keyRoles.get(key);
  if (role === undefined) {
    role =
      (ERROR_KEYS.test(key) ? KeyRole.Error : 0) |
      (STATUS_KEYS.test(key) ? KeyRole.Status : 0) |
      (FLAG_KEYS.test(key) ? KeyRole.Flag : 0) |
      (MESSAGE_KEYS.test(key) ? KeyRole.Message : 0) |
      (SEVERITY_KEYS.test(key) ? KeyRole.Severity : 0);
    if (keyRoles.size > 10_000) keyRoles.clear();
    keyRoles.set(key, role);
  }
  return role;
}

/** Error signals in a record: error fields, HTTP status ≥ 400, success:false, error words in message fields, a severe level. */
function hasError(row: JsonObject): boolean {
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
    if (role & KeyRole.Severity && typeof value === 'string' && SEVERE.test(value.trim())) return true;
    if (isRecord(value)) {
      for (const inner in value) if (roleOf(inner) & KeyRole.Error && isPresent(value[inner])) return true;
    }
  }
  return false;
}

function isPresent(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
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

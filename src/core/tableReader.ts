/**
 * Tables printed as text: delimited (CSV, TSV, `;`, or `|` between cells as psql and Markdown
 * print them), aligned in columns under a header (`kubectl get`, `docker ps`, `ps aux`), or
 * `ls -l` listings, which print no header. A table needs a header of names and data rows that
 * split into as many cells as the header, nine in ten of them and at least `MIN_TABLE_ROWS`:
 * log lines split into varying numbers of words and start with a timestamp, code lines vary,
 * so neither is read as a table.
 */
export interface Table {
  columns: string[];
  /** The line that names the columns, when the output prints one. */
  header?: number;
  /** Each data row: the index of its line, and its cells by column name, numbers parsed. */
  rows: TableRow[];
}

export interface TableRow {
  line: number;
  record: Record<string, string | number | boolean>;
}

const MIN_TABLE_ROWS = 8;
const MAX_HEADER_CELL = 64;

/** Splits a line into cells; a row must give `columns` of them (-1: any number, for the header). */
type Splitter = (line: string, columns: number) => string[] | undefined;

/** How a layout's rows split, and how its header cells look. */
interface HeaderLayout {
  split: Splitter;
  isHeaderCell(cell: string): boolean;
  /** The header is underlined (`----  ----`, `+++-===`): then it may follow a preamble and be in any case. */
  underlined?: boolean;
}

/** Output that prints no header line (`ls -l`) names its columns itself. */
type Layout = HeaderLayout | { split: Splitter; columns: string[] };

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const DATE_OR_TIME = /\d{4}-\d\d-\d\d|\d\d:\d\d/;
const SEPARATOR_LINE = /^[\s|+:=-]*[-=]{3,}[\s|+:=-]*$/;

/** A column name: a few words of letters, digits and `_#%./()-`, starting with no digit; not a date. */
const NAME = /^[\p{L}_#%][\p{L}\p{N} _#%./()-]*$/u;
const MAX_HEADER_WORDS = 4;

function nameLike(cell: string): boolean {
  if (cell.length > MAX_HEADER_CELL || !NAME.test(cell) || DATE_OR_TIME.test(cell)) return false;
  return cell.split(' ').length <= MAX_HEADER_WORDS && cell.split('(').length === cell.split(')').length;
}
/** Aligned output prints its header in capitals (`NAME`, `CONTAINER ID`, `%CPU`). */
const capitalName = (cell: string) => nameLike(cell) && /^[A-Z%#][A-Z0-9%#_()./ -]*$/.test(cell);
/** Under a rule, any name will do (`sqlite3 -column`, `pip list`), and dpkg's `||/` status column. */
const underlinedName = (cell: string) => nameLike(cell) || /^[|/+]{1,4}$/.test(cell);
/** A CSV header cell may be a long description (`"latency (ms), p95 over the window"`), still in words. */
const CSV_NAME = /^[\p{L}_#%][\p{L}\p{N} _#%./()\-,:'&+]*$/u;
const csvName = (cell: string) =>
  nameLike(cell) ||
  (cell.length <= 200 &&
    CSV_NAME.test(cell) &&
    !DATE_OR_TIME.test(cell) &&
    cell.split('(').length === cell.split(')').length);
const aligned: Splitter = (line, columns) => exactly(line.trim().split(/ {2,}|\t/), columns);

const LAYOUTS: Layout[] = [
  { split: delimited(','), isHeaderCell: csvName },
  { split: delimited('\t'), isHeaderCell: csvName },
  { split: delimited(';'), isHeaderCell: csvName },
  { split: piped, isHeaderCell: nameLike },
  { split: aligned, isHeaderCell: capitalName },
  { split: lastCellTakesTheRest, isHeaderCell: capitalName },
  { split: aligned, isHeaderCell: underlinedName, underlined: true },
  { split: lastCellTakesTheRest, isHeaderCell: underlinedName, underlined: true },
  { split: longListing, columns: ['permissions', 'links', 'owner', 'group', 'size', 'modified', 'name'] },
];

/** An `ls -l` line: permissions, links, owner, group, size (or device numbers), date (default or ISO style), name. */
const LONG_LISTING =
  /^([-bcdlpsD][-rwxsStT]{9}[.+@]?)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\d+(?:,\s*\d+)?)\s+(\S+\s+\d{1,2}\s+(?:\d{1,2}:\d\d|\d{4})|\d{4}-\d\d-\d\d(?:\s+\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?(?:\s+[+-]\d{4})?)\s(.*)$/;

function longListing(line: string): string[] | undefined {
  return LONG_LISTING.exec(line)?.slice(1);
}

/** The table the lines hold, or undefined when they are not one. */
export function readTable(lines: readonly string[]): Table | undefined {
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first === -1) return undefined;
  const underlined = underlinedHeader(lines, first);
  for (const layout of LAYOUTS) {
    const printsHeader = !('columns' in layout);
    const header = printsHeader && layout.underlined ? underlined : first;
    if (header === undefined) continue;
    const columns = printsHeader ? headerCells(lines[header], layout) : layout.columns;
    if (!columns || (printsHeader && readsLikeItsRows(lines, header))) continue;
    const rows: TableRow[] = [];
    let candidates = 0;
    for (let i = printsHeader ? header + 1 : header; i < lines.length; i++) {
      const line = lines[i];
      if (line.trim() === '' || SEPARATOR_LINE.test(line)) continue;
      candidates++;
      const cells = layout.split(line, columns.length);
      if (cells) rows.push({ line: i, record: toRecord(columns, cells) });
    }
    if (rows.length >= MIN_TABLE_ROWS && rows.length >= candidates * 0.9)
      return printsHeader ? { columns, header, rows } : { columns, rows };
  }
  return undefined;
}

/** A "header" that is the rows' own shape, numbers aside (`src/a.c:1: unused x1, y`), is a first row. */
function readsLikeItsRows(lines: readonly string[], header: number): boolean {
  const next = lines.slice(header + 1).find((line) => line.trim() && !SEPARATOR_LINE.test(line));
  const shape = (line: string) => line.replace(/\d+/g, '0');
  return next !== undefined && shape(next) === shape(lines[header]);
}

/** Within the first lines (a preamble such as dpkg's may come first), a line with a rule under it. */
function underlinedHeader(lines: readonly string[], first: number): number | undefined {
  for (let i = first; i < Math.min(lines.length - 1, first + MAX_PREAMBLE); i++)
    if (lines[i].trim() && !SEPARATOR_LINE.test(lines[i]) && SEPARATOR_LINE.test(lines[i + 1])) return i;
  return undefined;
}

const MAX_PREAMBLE = 8;

function headerCells(line: string, layout: HeaderLayout): string[] | undefined {
  const cells = layout.split(line, -1);
  if (!cells || cells.length < 2 || !cells.every(layout.isHeaderCell)) return undefined;
  return new Set(cells).size === cells.length ? cells : undefined;
}

/** An empty cell is left out of the record, as a JSON record leaves out a key it has no value for. */
function toRecord(columns: readonly string[], cells: readonly string[]): Record<string, string | number | boolean> {
  const record: Record<string, string | number | boolean> = {};
  for (let j = 0; j < columns.length; j++) {
    const cell = cells[j];
    if (cell !== '')
      record[columns[j]] = looksNumeric(cell)
        ? Number(cell)
        : cell === 'true' || cell === 'false'
          ? cell === 'true'
          : cell;
  }
  return record;
}

/** A number as tables print them; the first character spares most text the pattern. */
function looksNumeric(cell: string): boolean {
  const first = cell.charCodeAt(0);
  return ((first >= 48 && first <= 57) || first === 45 || first === 43 || first === 46) && NUMBER.test(cell);
}

function exactly(cells: string[], columns: number): string[] | undefined {
  return columns === -1 || cells.length === columns ? cells : undefined;
}

/** CSV-style cells: a cell in double quotes may hold the delimiter and `""` for a quote. */
function delimited(delimiter: string): Splitter {
  return (line, columns) => {
    if (!line.includes(delimiter)) return undefined;
    const cells: string[] = [];
    for (let i = 0; ;) {
      let next: number;
      if (line[i] === '"') {
        const quoted = quotedCell(line, i);
        if (!quoted || (quoted.end < line.length && line[quoted.end] !== delimiter)) return undefined;
        cells.push(quoted.cell);
        next = quoted.end;
      } else {
        const end = line.indexOf(delimiter, i);
        next = end === -1 ? line.length : end;
        cells.push(line.slice(i, next).trim());
      }
      if (next >= line.length) break;
      // Past the delimiter; a delimiter ending the line leaves one empty cell.
      i = next + 1;
    }
    return exactly(cells, columns);
  };
}

/** The quoted cell opening at `start`, and where it ends; undefined when the quote never closes. */
function quotedCell(line: string, start: number): { cell: string; end: number } | undefined {
  let cell = '';
  for (let j = start + 1; ;) {
    const quote = line.indexOf('"', j);
    if (quote === -1) return undefined;
    cell += line.slice(j, quote);
    if (line[quote + 1] !== '"') return { cell, end: quote + 1 };
    cell += '"';
    j = quote + 2;
  }
}

/** `| a | b |` (Markdown) or ` a | b ` (psql): cells between pipes, trimmed. */
function piped(line: string, columns: number): string[] | undefined {
  if (!line.includes('|')) return undefined;
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return exactly(
    inner.split('|').map((cell) => cell.trim()),
    columns,
  );
}

/** `ps aux` and the like: cells between spaces, the last column (a command) keeping its spaces. */
function lastCellTakesTheRest(line: string, columns: number): string[] | undefined {
  const words = line.trim().split(/\s+/);
  if (columns === -1) return words;
  if (words.length < columns) return undefined;
  return [...words.slice(0, columns - 1), words.slice(columns - 1).join(' ')];
}

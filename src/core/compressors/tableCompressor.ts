import { marker } from '../marker';
import { readTable } from '../tableReader';
import type { Compressor } from './compressor';
import { renderKeptLines, splitLines } from './lines';
import { constantColumns, describeSelection, selectRecords } from './recordSelection';

/**
 * Tables as text (CSV and TSV exports, psql output, `kubectl get`, `docker ps`, `ps aux`,
 * `ls -l`): each row is read as a record under the header's names and chosen as JSON records
 * are (errors, outliers, extremes, change points, rare values, relevance, first and last), so
 * an outlier in a number column survives where a log template would mask it. The kept rows
 * come back as their original lines, under every line that is not a data row (header,
 * borders, footer).
 */
export const compressTable: Compressor = async (input, context) => {
  const lines = splitLines(input);
  const table = readTable(lines);
  if (!table) return undefined;
  const records = table.rows.map((row) => row.record);
  const selection = await selectRecords(records, context, (i) => lines[table.rows[i].line]);
  const { groups } = selection;
  if (groups.representatives.length >= records.length * 0.9) return undefined;

  const isRow = new Uint8Array(lines.length);
  for (const row of table.rows) isRow[row.line] = 1;
  const kept = new Set<number>();
  isRow.forEach((row, line) => {
    if (!row) kept.add(line);
  });
  const counts = new Map<number, number>();
  for (const i of groups.representatives) {
    kept.add(table.rows[i].line);
    counts.set(table.rows[i].line, groups.copies(i));
  }
  const out = renderKeptLines(lines, kept, counts);
  out.push(
    marker(
      describeSelection(records.length, selection, constantColumns(records, selection.columns)),
      context.inputHash,
    ),
  );
  return { text: out.join('\n'), transforms: ['table:rows'] };
};

import { toCsv, type CsvCell } from './csv.ts';

export type Row = Record<string, unknown>;

export interface TableColumn {
  key: string;
  label: string;
  /** Right-aligned, sorted as numbers. */
  numeric?: boolean;
  /** Display text; the filter matches it, CSV keeps the raw value. */
  format?: (value: unknown, row: Row) => string;
}

export type SortDirection = 'asc' | 'desc';

export function cellText(column: TableColumn, row: Row): string {
  const value = row[column.key];
  if (column.format) return column.format(value, row);
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Rows whose cells contain every whitespace-separated term of `query` (case-insensitive; each term may
 * match a different column). `column:term` restricts a term to the column with that key or label.
 */
export function filterRows(rows: readonly Row[], columns: readonly TableColumn[], query: string): Row[] {
  const terms = query.toLowerCase().split(/\s+/).filter((t) => t !== '');
  if (terms.length === 0) return [...rows];
  return rows.filter((row) =>
    terms.every((term) => {
      const colon = term.indexOf(':');
      if (colon > 0) {
        const name = term.slice(0, colon);
        const column = columns.find((c) => c.key.toLowerCase() === name || c.label.toLowerCase() === name);
        if (column) return cellText(column, row).toLowerCase().includes(term.slice(colon + 1));
      }
      return columns.some((c) => cellText(c, row).toLowerCase().includes(term));
    }),
  );
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compareValues(a: unknown, b: unknown, numeric: boolean): number {
  if (numeric) return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

function isMissing(value: unknown, numeric: boolean): boolean {
  return value === null || value === undefined || value === '' || (numeric && !Number.isFinite(Number(value)));
}

/** A stable sort on one column; empty cells (and non-numbers in a numeric column) go last either way. */
export function sortRows(rows: readonly Row[], column: TableColumn, direction: SortDirection): Row[] {
  const sign = direction === 'asc' ? 1 : -1;
  const numeric = column.numeric === true;
  return rows
    .map((row, index) => ({ row, index }))
    .sort((x, y) => {
      const a = x.row[column.key];
      const b = y.row[column.key];
      const missA = isMissing(a, numeric);
      const missB = isMissing(b, numeric);
      if (missA || missB) return missA === missB ? x.index - y.index : missA ? 1 : -1;
      return sign * compareValues(a, b, numeric) || x.index - y.index;
    })
    .map((entry) => entry.row);
}

/** The table as CSV: column labels as header, raw values (objects as JSON). */
export function tableCsv(columns: readonly TableColumn[], rows: readonly Row[]): string {
  const cell = (value: unknown): CsvCell => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
    return JSON.stringify(value);
  };
  return toCsv(
    columns.map((c) => c.label),
    rows.map((row) => columns.map((c) => cell(row[c.key]))),
  );
}

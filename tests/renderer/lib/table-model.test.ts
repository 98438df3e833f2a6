import { describe, expect, it } from 'vitest';
import { filterRows, sortRows, tableCsv, type TableColumn } from '../../../src/renderer/src/lib/table-model.ts';
import { csvField } from '../../../src/renderer/src/lib/csv.ts';

const columns: TableColumn[] = [
  { key: 'name', label: 'Name' },
  { key: 'k', label: 'k', numeric: true },
  { key: 'status', label: 'Status' },
];
const rows = [
  { name: 'run-10', k: 16, status: 'finished' },
  { name: 'run-9', k: 1, status: 'collapsed' },
  { name: 'run-2', k: null, status: 'running' },
  { name: 'Run-1', k: 4, status: 'finished' },
];

describe('sortRows', () => {
  it('sorts numbers numerically and names naturally, empty cells last both ways', () => {
    expect(sortRows(rows, columns[1], 'asc').map((r) => r.name)).toEqual(['run-9', 'Run-1', 'run-10', 'run-2']);
    expect(sortRows(rows, columns[1], 'desc').map((r) => r.name)).toEqual(['run-10', 'Run-1', 'run-9', 'run-2']);
    expect(sortRows(rows, columns[0], 'asc').map((r) => r.name)).toEqual(['Run-1', 'run-2', 'run-9', 'run-10']);
  });
  it('is stable for equal keys', () => {
    expect(sortRows(rows, columns[2], 'asc').map((r) => r.name)).toEqual(['run-9', 'run-10', 'Run-1', 'run-2']);
  });
});

describe('filterRows', () => {
  it('keeps rows containing every term, in any column, case-insensitively', () => {
    expect(filterRows(rows, columns, 'FIN').map((r) => r.name)).toEqual(['run-10', 'Run-1']);
    expect(filterRows(rows, columns, 'finished 16').map((r) => r.name)).toEqual(['run-10']);
    expect(filterRows(rows, columns, '  ').length).toBe(4);
  });
  it('restricts column:term to that column', () => {
    expect(filterRows(rows, columns, 'k:1').map((r) => r.name)).toEqual(['run-10', 'run-9']);
    expect(filterRows(rows, columns, 'name:1').map((r) => r.name)).toEqual(['run-10', 'Run-1']);
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180 and defuses spreadsheet formulas in text', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(Number.NaN)).toBe('');
  });
  it('writes the header labels and raw values', () => {
    expect(tableCsv(columns, rows.slice(0, 3))).toBe('Name,k,Status\r\nrun-10,16,finished\r\nrun-9,1,collapsed\r\nrun-2,,running\r\n');
  });
});

import type Database from 'better-sqlite3';
import type { DatasetRecord } from '../data/dataset-record.ts';
import { InputError } from '../errors.ts';
import { toJson } from './json.ts';

/** A row as selected by COLUMNS: the record, its splits still JSON text. */
type Row = Omit<DatasetRecord, 'splits'> & { splits: string };

const COLUMNS = `name, format, source, path, docs, queries, splits, training_examples AS trainingExamples,
  skipped_lines AS skippedLines, imported_at AS importedAt`;

const fromRow = (r: Row): DatasetRecord => ({ ...r, splits: JSON.parse(r.splits) as Record<string, number> });

/** Registered datasets (the normalized folders themselves live under the workspace). */
export class DatasetsRepo {
  constructor(private readonly db: Database.Database) {}

  /** Registers a dataset; a name already taken is refused unless `replace`. */
  add(record: DatasetRecord, options: { replace?: boolean } = {}): DatasetRecord {
    if (!options.replace && this.get(record.name)) {
      throw new InputError(`a dataset named "${record.name}" already exists (remove it first or choose another name)`, { field: '--name' });
    }
    this.db
      .prepare(
        `INSERT OR REPLACE INTO datasets (name, format, source, path, docs, queries, splits, training_examples, skipped_lines, imported_at)
         VALUES (@name, @format, @source, @path, @docs, @queries, @splits, @trainingExamples, @skippedLines, @importedAt)`,
      )
      .run({ ...record, splits: toJson(record.splits, 'dataset splits') });
    return this.get(record.name)!;
  }

  get(name: string): DatasetRecord | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM datasets WHERE name = ?`).get(name) as Row | undefined;
    return row && fromRow(row);
  }

  /** By name. */
  list(): DatasetRecord[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM datasets ORDER BY name`).all() as Row[]).map(fromRow);
  }

  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM datasets WHERE name = ?').run(name).changes > 0;
  }
}

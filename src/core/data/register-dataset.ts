import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { openWorkspaceStore } from '../store/store.ts';
import type { DatasetFormat, DatasetRecord } from './dataset-record.ts';
import { importDataset, type ImportOptions } from './import-dataset.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Where a workspace keeps its imported datasets. */
export function datasetsDir(home: string): string {
  return path.join(home, 'datasets');
}

/**
 * Imports a dataset into the workspace (`<home>/datasets/<name>`, one normalized BEIR folder) and registers
 * it in the store. The name is checked before any work; the folder is removed again if registering fails.
 */
export async function importAndRegister(
  home: string,
  format: DatasetFormat,
  source: string,
  options: Omit<ImportOptions, 'name'> & { name: string; replace?: boolean },
): Promise<DatasetRecord> {
  if (!NAME.test(options.name)) throw new InputError('letters, digits, ".", "_" and "-" only (at most 64)', { field: '--name' });
  const store = openWorkspaceStore(home);
  try {
    if (store.datasets.get(options.name) && !options.replace) {
      throw new InputError(`a dataset named "${options.name}" already exists (remove it first or choose another name)`, { field: '--name' });
    }
    const dest = path.join(datasetsDir(home), options.name);
    if (options.replace) fs.rmSync(dest, { recursive: true, force: true });
    const record = await importDataset(format, source, dest, options);
    try {
      return store.datasets.add(record, { replace: options.replace });
    } catch (err) {
      fs.rmSync(dest, { recursive: true, force: true });
      throw err;
    }
  } finally {
    store.close();
  }
}

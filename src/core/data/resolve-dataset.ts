import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { openWorkspaceStore } from '../store/store.ts';

/** A dataset argument: a registered name (see `lsr data list`) or a BEIR folder. Returns the folder. */
export function resolveDatasetFolder(spec: string, home: string, field = '--dataset'): string {
  if (spec.trim() === '') throw new InputError('is empty', { field });
  if (fs.existsSync(spec) && fs.statSync(spec).isDirectory()) return path.resolve(spec);
  const store = openWorkspaceStore(home);
  try {
    const record = store.datasets.get(spec);
    if (!record) {
      const names = store.datasets.list().map((d) => d.name);
      throw new InputError(
        `no dataset named "${spec}" and no such folder (registered: ${names.length ? names.join(', ') : 'none'}; see lsr data import)`,
        { field },
      );
    }
    if (!fs.existsSync(record.path)) throw new InputError(`dataset "${spec}" is registered at ${record.path}, which no longer exists`, { field });
    return record.path;
  } finally {
    store.close();
  }
}

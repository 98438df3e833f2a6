import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';

/**
 * Makes `out` ready to receive an export: created if missing; an existing folder must be empty unless
 * `force` is set, in which case files of the same names are overwritten and nothing else is touched.
 */
export function prepareOutFolder(out: string, force: boolean, field = '--out'): string {
  const dir = path.resolve(out);
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new InputError('exists and is not a folder', { field, file: dir });
    if (!force && fs.readdirSync(dir).length > 0) {
      throw new InputError('exists and is not empty (use --force to write into it)', { field, file: dir });
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Every file under `dir`, as sorted paths relative to it with `/` separators. */
export function listFilesRecursive(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out.sort();
}

import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';

/** The regular files of a folder (recursively, sorted by path), or the file itself when given a file. */
export function listFiles(source: string, recursive = false): string[] {
  const stat = fs.statSync(source, { throwIfNoEntry: false });
  if (!stat) throw new InputError('no such file or folder', { file: source });
  if (stat.isFile()) return [source];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isFile()) out.push(full);
      else if (entry.isDirectory() && recursive) walk(full);
    }
  };
  walk(source);
  return out;
}

export function requireFolder(source: string, what: string): void {
  const stat = fs.statSync(source, { throwIfNoEntry: false });
  if (!stat) throw new InputError('no such file or folder', { file: source });
  if (!stat.isDirectory()) throw new InputError(`expected a folder holding ${what}`, { file: source });
}

/** The one file of `files` whose base name matches, or undefined; several matches are an InputError. */
export function pickOne(files: readonly string[], test: RegExp, what: string, folder: string): string | undefined {
  const found = files.filter((f) => test.test(path.basename(f)));
  if (found.length > 1) {
    throw new InputError(`several files look like ${what}: ${found.map((f) => path.basename(f)).join(', ')}`, { file: folder });
  }
  return found[0];
}

/** First existing path among candidates. */
export function firstExisting(candidates: readonly string[]): string | undefined {
  return candidates.find((c) => fs.existsSync(c));
}

/** Split name from a qrels file name: `qrels.dev.small.tsv` → `dev.small`, `test.tsv` → `test`. */
export function splitName(file: string, fallback: string): string {
  const base = path.basename(file).replace(/\.gz$/, '').replace(/\.(tsv|txt|trec|qrels?)$/i, '');
  const name = base.replace(/^qrels?[._-]?/i, '');
  return /^[\w.-]+$/.test(name) && name !== '' ? name : fallback;
}

import fs from 'node:fs';
import path from 'node:path';
import { CORPUS_FILE, QUERIES_FILE } from '../data/dataset-writer.ts';
import { readLines } from '../data/read-lines.ts';
import { InputError } from '../errors.ts';

/** One text of a BEIR folder with where it was read. */
export interface LocatedText {
  id: string;
  text: string;
  file: string;
  line: number;
}

function field(o: Record<string, unknown>, name: string, file: string, line: number, optional: boolean): string {
  const v = o[name];
  if (typeof v === 'number' && name === '_id') return String(v);
  if (v === undefined && optional) return '';
  if (typeof v !== 'string') throw new InputError('expected a string', { file, line, field: name });
  return v;
}

async function* records(file: string, withTitle: boolean): AsyncGenerator<LocatedText> {
  if (!fs.existsSync(file)) throw new InputError('missing (not a BEIR dataset folder?)', { file });
  const seen = new Set<string>();
  for await (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (err) {
      throw new InputError(`not valid JSON (${(err as Error).message})`, { file, line });
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new InputError('expected a JSON object', { file, line });
    const o = obj as Record<string, unknown>;
    const id = field(o, '_id', file, line, false);
    if (seen.has(id)) throw new InputError(`duplicate id "${id}"`, { file, line });
    seen.add(id);
    const body = field(o, 'text', file, line, false);
    const title = withTitle ? field(o, 'title', file, line, true) : '';
    // Title and text as one passage, as everywhere else in the workbench (docText).
    yield { id, text: title === '' ? body : `${title} ${body}`, file, line };
  }
}

/** Streams `corpus.jsonl` of a BEIR folder (title and text joined), strictly, without holding it in memory. */
export function streamCorpus(folder: string): AsyncGenerator<LocatedText> {
  return records(path.join(folder, CORPUS_FILE), true);
}

/** Streams `queries.jsonl` of a BEIR folder. */
export function streamQueries(folder: string): AsyncGenerator<LocatedText> {
  return records(path.join(folder, QUERIES_FILE), false);
}

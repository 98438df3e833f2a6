import fs from 'node:fs';
import path from 'node:path';
import { docText, readBeirLines } from '../data/dataset-folder.ts';
import { CORPUS_FILE, QUERIES_FILE } from '../data/dataset-writer.ts';
import { InputError } from '../errors.ts';

/** One text of a BEIR folder with where it was read. */
export interface LocatedText {
  id: string;
  text: string;
  file: string;
  line: number;
}

async function* records(file: string, kind: 'document' | 'query'): AsyncGenerator<LocatedText> {
  if (!fs.existsSync(file)) throw new InputError('missing (not a BEIR dataset folder?)', { file });
  const seen = new Set<string>();
  for await (const r of readBeirLines(file, kind, seen)) {
    seen.add(r.id);
    yield { id: r.id, text: docText(r), file, line: r.line };
  }
}

/** Streams `corpus.jsonl` of a BEIR folder (title and text joined), strictly, without holding it in memory. */
export function streamCorpus(folder: string): AsyncGenerator<LocatedText> {
  return records(path.join(folder, CORPUS_FILE), 'document');
}

/** Streams `queries.jsonl` of a BEIR folder. */
export function streamQueries(folder: string): AsyncGenerator<LocatedText> {
  return records(path.join(folder, QUERIES_FILE), 'query');
}

import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { isQrelsHeader } from '../eval/qrels.ts';
import type { DatasetWriter } from './dataset-writer.ts';
import { tryParseJsonObject, type JsonObject } from './json-objects.ts';
import { readLines } from './read-lines.ts';
import { firstExisting, listFiles, requireFolder, splitName } from './source-files.ts';
import { validateTrainingExample } from './training-examples.ts';

const INTEGER = /^[+-]?\d+$/;

/** `_id` as BEIR writes it: a string, or a number some sets use. */
function idOf(o: Record<string, unknown>): string | undefined {
  const id = o._id;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return undefined;
}

/** Every non-blank line of a JSONL file counted, the JSON objects handed to `take`, the rest logged as bad. */
async function eachJsonObject(file: string, w: DatasetWriter, take: (rec: JsonObject, line: number) => void): Promise<void> {
  for await (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    w.log.line(file);
    const parsed = tryParseJsonObject(text);
    if (!parsed.ok) w.log.bad(file, line, parsed.reason);
    else take(parsed.value, line);
    w.checkpoint(file);
  }
}

/**
 * Reads a BEIR folder: `corpus.jsonl` (`_id`, `title`, `text`), `queries.jsonl` (`_id`, `text`),
 * `qrels/<split>.tsv` (`query-id corpus-id score`, header allowed) and, if present, `train-triples.jsonl`.
 * `.gz` variants are read too.
 */
export async function readBeir(source: string, w: DatasetWriter): Promise<void> {
  requireFolder(source, 'corpus.jsonl, queries.jsonl and qrels/<split>.tsv');
  const corpus = firstExisting([path.join(source, 'corpus.jsonl'), path.join(source, 'corpus.jsonl.gz')]);
  const queries = firstExisting([path.join(source, 'queries.jsonl'), path.join(source, 'queries.jsonl.gz')]);
  if (!corpus) throw new InputError('corpus.jsonl is missing', { file: source });
  if (!queries) throw new InputError('queries.jsonl is missing', { file: source });

  await eachJsonObject(corpus, w, (rec, line) => {
    const id = idOf(rec);
    const title = rec.title ?? '';
    if (id === undefined) w.log.bad(corpus, line, 'field "_id": expected a non-empty string');
    else if (typeof rec.text !== 'string') w.log.bad(corpus, line, 'field "text": expected a string');
    else if (typeof title !== 'string') w.log.bad(corpus, line, 'field "title": expected a string');
    else w.addDoc(id, title, rec.text, { file: corpus, line });
  });
  await eachJsonObject(queries, w, (rec, line) => {
    const id = idOf(rec);
    if (id === undefined) w.log.bad(queries, line, 'field "_id": expected a non-empty string');
    else if (typeof rec.text !== 'string') w.log.bad(queries, line, 'field "text": expected a string');
    else w.addQuery(id, rec.text, { file: queries, line });
  });

  const qrelsDir = path.join(source, 'qrels');
  const qrelsFiles = fs.existsSync(qrelsDir) ? listFiles(qrelsDir).filter((f) => /\.tsv(\.gz)?$/.test(f)) : [];
  for (const file of qrelsFiles) {
    const split = splitName(file, 'test');
    let first = true;
    for await (const { text, line } of readLines(file)) {
      if (text.trim() === '') continue;
      if (first) {
        first = false;
        if (isQrelsHeader(text)) continue;
      }
      w.log.line(file);
      const cols = text.trim().split(/\s+/);
      if (cols.length !== 3) w.log.bad(file, line, `expected "query-id corpus-id score", got ${cols.length} columns`);
      else if (!INTEGER.test(cols[2]!)) w.log.bad(file, line, `field "score": "${cols[2]}" is not an integer`);
      else w.addQrel(split, cols[0]!, cols[1]!, Number(cols[2]), { file, line });
      w.checkpoint(file);
    }
  }

  const triples = firstExisting([path.join(source, 'train-triples.jsonl'), path.join(source, 'train-triples.jsonl.gz')]);
  if (triples) {
    await eachJsonObject(triples, w, (rec, line) => {
      try {
        w.addExample(validateTrainingExample(rec, triples, line));
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        w.log.bad(triples, line, err.message.replace(`${triples}:${line}: `, ''));
      }
    });
  }
}

import path from 'node:path';
import { InputError } from '../errors.ts';
import type { DatasetWriter } from './dataset-writer.ts';
import { readLines } from './read-lines.ts';
import { listFiles, requireFolder, splitName } from './source-files.ts';
import { readTrecQrels } from './trec-reader.ts';

const INTEGER = /^\d+$/;

/** `id \t text` lines: `add` takes each good one; a line without an id and a tab is logged as not `shape`. */
async function readIdTextLines(file: string, shape: string, w: DatasetWriter, add: (id: string, text: string, line: number) => void): Promise<void> {
  for await (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    w.log.line(file);
    const tab = text.indexOf('\t');
    const id = tab > 0 ? text.slice(0, tab).trim() : '';
    if (tab < 0 || id === '') w.log.bad(file, line, `expected "${shape}"`);
    else add(id, text.slice(tab + 1), line);
    w.checkpoint(file);
  }
}

/**
 * Reads an MS MARCO-style folder (`.gz` accepted everywhere):
 * - the collection, `collection*.tsv` (`pid \t passage`), required;
 * - queries, every `queries*.tsv` (`qid \t text`), merged;
 * - qrels, every `qrels*.tsv` (`qid 0 pid rel`, tabs or spaces), one split per file, named after it
 *   (`qrels.dev.small.tsv` → `dev.small`);
 * - training triples, `triples*.tsv` / `triplets*.tsv`: `query \t positive \t negative…` by text, or
 *   `qid \t pid \t pid…` by ids (every column an integer), resolved to texts through the collection and
 *   queries (only the texts the triples need are kept in memory).
 */
export async function readMsmarco(source: string, w: DatasetWriter): Promise<void> {
  requireFolder(source, 'collection.tsv, queries*.tsv, qrels*.tsv and/or triples*.tsv');
  const files = listFiles(source);
  const named = (re: RegExp): string[] => files.filter((f) => re.test(path.basename(f)));
  const collections = named(/^collection.*\.tsv(\.gz)?$/i);
  const queryFiles = named(/^queries.*\.tsv(\.gz)?$/i);
  const qrelsFiles = named(/^qrels.*\.tsv(\.gz)?$/i);
  const tripleFiles = named(/^(triples|triplets).*\.tsv(\.gz)?$/i);
  if (collections.length !== 1) {
    throw new InputError(collections.length === 0 ? 'no collection*.tsv found' : `several collection files: ${collections.map((f) => path.basename(f)).join(', ')}`, {
      file: source,
    });
  }

  // First pass over id triples: which passage and query texts must be kept to resolve them.
  const neededDocs = new Set<string>();
  const neededQueries = new Set<string>();
  const byIds = new Map<string, boolean>();
  for (const file of tripleFiles) {
    let ids: boolean | undefined;
    for await (const { text } of readLines(file)) {
      if (text.trim() === '') continue;
      const cols = text.split('\t');
      if (ids === undefined) ids = cols.length >= 3 && cols.every((c) => INTEGER.test(c.trim()));
      if (!ids) break;
      neededQueries.add(cols[0]!.trim());
      for (const c of cols.slice(1)) neededDocs.add(c.trim());
    }
    byIds.set(file, ids ?? false);
  }
  const docTexts = new Map<string, string>();
  const queryTexts = new Map<string, string>();

  const collection = collections[0]!;
  await readIdTextLines(collection, 'pid \\t passage', w, (pid, passage, line) => {
    if (w.addDoc(pid, '', passage, { file: collection, line }) && neededDocs.has(pid)) docTexts.set(pid, passage);
  });
  for (const file of queryFiles) {
    await readIdTextLines(file, 'qid \\t query text', w, (qid, query, line) => {
      if (w.addQuery(qid, query, { file, line }) && neededQueries.has(qid)) queryTexts.set(qid, query);
    });
  }
  for (const file of qrelsFiles) await readTrecQrels(file, splitName(file, 'test'), w, 'qid 0 pid rel');

  for (const file of tripleFiles) {
    const ids = byIds.get(file)!;
    for await (const { text, line } of readLines(file)) {
      if (text.trim() === '') continue;
      w.log.line(file);
      const cols = text.split('\t').map((c) => c.trim());
      if (cols.length < 3 || cols.some((c) => c === '')) {
        w.log.bad(file, line, 'expected "query \\t positive \\t negative" (texts or ids), no empty column');
      } else if (!ids) {
        w.addExample({ query: cols[0]!, positive: cols[1]!, negatives: cols.slice(2) });
      } else {
        const [qid, pos, ...negs] = cols as [string, string, ...string[]];
        const missingDoc = [pos, ...negs].find((id) => !docTexts.has(id));
        if (!cols.every((c) => INTEGER.test(c))) w.log.bad(file, line, 'expected integer ids in every column, as on the first line');
        else if (!queryTexts.has(qid)) w.log.bad(file, line, `query id "${qid}" is not in the queries`);
        else if (missingDoc !== undefined) w.log.bad(file, line, `passage id "${missingDoc}" is not in the collection`);
        else {
          w.addExample({
            query: queryTexts.get(qid)!,
            positive: docTexts.get(pos)!,
            negatives: negs.map((n) => docTexts.get(n)!),
            queryId: qid,
            positiveId: pos,
            negativeIds: negs,
          });
        }
      }
      w.checkpoint(file);
    }
  }
}

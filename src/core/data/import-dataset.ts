import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { readBeir } from './beir-reader.ts';
import type { DatasetFormat, DatasetRecord } from './dataset-record.ts';
import { DATASET_INFO_FILE, DatasetWriter, type ImportProgress } from './dataset-writer.ts';
import { ImportLog, formatIssue, type ImportIssue } from './import-log.ts';
import { readMsmarco } from './msmarco-reader.ts';
import { readSmart, type SmartOptions } from './smart-reader.ts';
import { readTrec, type TrecOptions } from './trec-reader.ts';

export const DATASET_FORMATS: readonly DatasetFormat[] = ['beir', 'trec', 'msmarco', 'smart'];

export interface ImportOptions {
  name: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Each malformed line and each warning, as found. */
  onIssue?: (issue: ImportIssue & { kind: 'malformed' | 'warning' }) => void;
  signal?: AbortSignal;
  /** A file with more malformed lines than this fraction of its lines fails the import (default 0.01). */
  maxMalformedFraction?: number;
  smart?: SmartOptions;
  trec?: TrecOptions;
}

/** What `dataset.json` in a dataset folder holds: the record plus the issues found (first 50 of each kind). */
export interface DatasetInfo extends DatasetRecord {
  malformed: ImportIssue[];
  warnings: ImportIssue[];
}

/**
 * Imports a dataset into `destDir` as one normalized BEIR folder: `corpus.jsonl` ({_id, title, text}),
 * `queries.jsonl` ({_id, text, metadata?}), `qrels/<split>.tsv` (header, then `query-id corpus-id score`),
 * `train-triples.jsonl` when the source has training triples, and `dataset.json` (the record and issues).
 *
 * Everything is written to a temporary folder beside `destDir` and renamed into place at the end, so a
 * dataset is never half-imported: on any failure or cancellation the temporary folder is removed.
 *
 * A malformed line (bad JSON, a missing field, a wrong column count, a non-integer grade, a duplicate id
 * or judgement) is skipped, reported through `onIssue` with file and line, and counted in `skippedLines`.
 * The import fails (InputError, nothing written) when:
 * - a required file is missing, or `destDir` already exists;
 * - more than `maxMalformedFraction` (1%) of any file's lines are malformed: that is a wrong format or a
 *   damaged file rather than a few bad lines;
 * - nothing usable remains: no documents, or neither judged queries (a qrels split whose queries exist)
 *   nor training examples.
 * Judgements that name an unknown query or document are kept (they still count as relevant documents
 * never retrieved, as trec_eval counts them) and reported as warnings.
 */
export async function importDataset(format: DatasetFormat, sourcePath: string, destDir: string, options: ImportOptions): Promise<DatasetRecord> {
  if (!DATASET_FORMATS.includes(format)) throw new InputError(`unknown format "${format}" (expected ${DATASET_FORMATS.join(', ')})`, { field: 'format' });
  const source = path.resolve(sourcePath);
  const dest = path.resolve(destDir);
  if (!fs.existsSync(source)) throw new InputError('no such file or folder', { file: source });
  if (fs.existsSync(dest)) throw new InputError('a dataset folder already exists here', { file: dest });
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.importing-${process.pid}-${Date.now()}`;
  const log = new ImportLog(options.onIssue);
  const writer = new DatasetWriter(tmp, log, options.onProgress, options.signal);
  try {
    try {
      if (format === 'beir') await readBeir(source, writer);
      else if (format === 'msmarco') await readMsmarco(source, writer);
      else if (format === 'trec') await readTrec(source, writer, options.trec);
      else await readSmart(source, writer, options.smart);
    } finally {
      writer.close();
    }
    validate(writer, log, options.maxMalformedFraction ?? 0.01, source);
    const record: DatasetRecord = {
      name: options.name,
      format,
      source,
      path: dest,
      docs: writer.docIds.size,
      queries: writer.queryIds.size,
      splits: Object.fromEntries(writer.splits),
      trainingExamples: writer.examples,
      skippedLines: log.malformedCount,
      importedAt: new Date().toISOString(),
    };
    const info: DatasetInfo = { ...record, malformed: log.malformed, warnings: log.warnings };
    fs.writeFileSync(path.join(tmp, DATASET_INFO_FILE), JSON.stringify(info, null, 2) + '\n');
    fs.renameSync(tmp, dest);
    return record;
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function validate(writer: DatasetWriter, log: ImportLog, fraction: number, source: string): void {
  const over = log.filesOver(fraction);
  if (over.length > 0) {
    const worst = over[0]!;
    const first = log.malformed.find((i) => i.file === worst.file);
    throw new InputError(
      `${worst.malformed} of ${worst.lines} lines are malformed (more than ${fraction * 100}%); nothing was imported` +
        (first ? ` (first: ${formatIssue(first)})` : ''),
      { file: worst.file },
    );
  }
  if (writer.docIds.size === 0) throw new InputError('no documents found; nothing was imported', { file: source });
  let judgedQueries = 0;
  for (const split of writer.splits.keys()) {
    const unknownQueries = new Set<string>();
    const unknownDocs = new Set<string>();
    const judged = new Set<string>();
    for (const [qid, docid] of writer.judgedPairs(split)) {
      if (!writer.queryIds.has(qid)) unknownQueries.add(qid);
      else judged.add(qid);
      if (!writer.docIds.has(docid)) unknownDocs.add(docid);
    }
    judgedQueries += judged.size;
    if (unknownQueries.size > 0) log.warn(`qrels/${split}.tsv`, undefined, `${unknownQueries.size} judged query ids have no query text`);
    if (unknownDocs.size > 0) log.warn(`qrels/${split}.tsv`, undefined, `${unknownDocs.size} judged document ids are not in the corpus`);
  }
  if (judgedQueries === 0 && writer.examples === 0) {
    throw new InputError('neither judged queries (qrels whose queries exist) nor training triples found; nothing was imported', { file: source });
  }
}

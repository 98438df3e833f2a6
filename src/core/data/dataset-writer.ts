import fs from 'node:fs';
import path from 'node:path';
import { CancelledError } from '../errors.ts';
import { ImportLog } from './import-log.ts';
import type { TrainingExample } from './training-examples.ts';

/** Where a record came from, for messages. */
export interface Where {
  file: string;
  line?: number;
}

export interface ImportProgress {
  /** The source file being read. */
  file: string;
  docs: number;
  queries: number;
  qrels: number;
  examples: number;
}

/** The normalized files of a dataset folder (BEIR layout plus optional training triples). */
export const CORPUS_FILE = 'corpus.jsonl';
export const QUERIES_FILE = 'queries.jsonl';
export const QRELS_DIR = 'qrels';
export const TRIPLES_FILE = 'train-triples.jsonl';
export const DATASET_INFO_FILE = 'dataset.json';

const FLUSH_BYTES = 1 << 20;

class BufferedFile {
  private fd: number;
  private buffer: string[] = [];
  private bytes = 0;
  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }
  write(line: string): void {
    this.buffer.push(line);
    this.bytes += line.length;
    if (this.bytes >= FLUSH_BYTES) this.flush();
  }
  flush(): void {
    if (this.buffer.length > 0) fs.writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.bytes = 0;
  }
  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/**
 * Receives records from a format reader and writes the normalized folder. Duplicate ids and duplicate
 * judgements are malformed lines (the first occurrence is kept). Readers call `checkpoint()` often: it
 * reports progress and honours cancellation.
 */
export class DatasetWriter {
  readonly docIds = new Set<string>();
  readonly queryIds = new Set<string>();
  readonly splits = new Map<string, number>();
  examples = 0;
  private readonly corpus: BufferedFile;
  private readonly queries: BufferedFile;
  private triples: BufferedFile | undefined;
  private readonly qrels = new Map<string, { out: BufferedFile; seen: Set<string> }>();
  private currentFile = '';
  private lastProgress = 0;

  constructor(
    readonly dir: string,
    readonly log: ImportLog,
    private readonly onProgress: (p: ImportProgress) => void = () => {},
    private readonly signal?: AbortSignal,
  ) {
    fs.mkdirSync(path.join(dir, QRELS_DIR), { recursive: true });
    this.corpus = new BufferedFile(path.join(dir, CORPUS_FILE));
    this.queries = new BufferedFile(path.join(dir, QUERIES_FILE));
  }

  addDoc(id: string, title: string, text: string, at: Where): boolean {
    if (this.docIds.has(id)) {
      this.log.bad(at.file, at.line, `duplicate document id "${id}" (the first one is kept)`);
      return false;
    }
    this.docIds.add(id);
    this.corpus.write(JSON.stringify({ _id: id, title, text }) + '\n');
    return true;
  }

  addQuery(id: string, text: string, at: Where, metadata?: Record<string, string>): boolean {
    if (this.queryIds.has(id)) {
      this.log.bad(at.file, at.line, `duplicate query id "${id}" (the first one is kept)`);
      return false;
    }
    this.queryIds.add(id);
    this.queries.write(JSON.stringify(metadata ? { _id: id, text, metadata } : { _id: id, text }) + '\n');
    return true;
  }

  addQrel(split: string, qid: string, docid: string, rel: number, at: Where): boolean {
    let q = this.qrels.get(split);
    if (!q) {
      q = { out: new BufferedFile(path.join(this.dir, QRELS_DIR, `${split}.tsv`)), seen: new Set() };
      q.out.write('query-id\tcorpus-id\tscore\n');
      this.qrels.set(split, q);
      this.splits.set(split, 0);
    }
    const key = `${qid}\u0000${docid}`;
    if (q.seen.has(key)) {
      this.log.bad(at.file, at.line, `duplicate judgement of document "${docid}" for query "${qid}" (the first one is kept)`);
      return false;
    }
    q.seen.add(key);
    q.out.write(`${qid}\t${docid}\t${rel}\n`);
    this.splits.set(split, this.splits.get(split)! + 1);
    return true;
  }

  addExample(example: TrainingExample): void {
    this.triples ??= new BufferedFile(path.join(this.dir, TRIPLES_FILE));
    this.triples.write(JSON.stringify(example) + '\n');
    this.examples++;
  }

  /** Judgements of one split, for consistency checks after reading (query id → document ids). */
  judgedPairs(split: string): Iterable<[string, string]> {
    const q = this.qrels.get(split);
    if (!q) return [];
    return [...q.seen].map((k) => k.split('\u0000') as [string, string]);
  }

  /** Reports progress (at most ~4 times a second) and throws CancelledError once the signal fires. */
  checkpoint(file: string): void {
    if (this.signal?.aborted) throw new CancelledError('import cancelled');
    const now = Date.now();
    if (file !== this.currentFile || now - this.lastProgress >= 250) {
      this.currentFile = file;
      this.lastProgress = now;
      let qrels = 0;
      for (const n of this.splits.values()) qrels += n;
      this.onProgress({ file, docs: this.docIds.size, queries: this.queryIds.size, qrels, examples: this.examples });
    }
  }

  close(): void {
    this.corpus.close();
    this.queries.close();
    this.triples?.close();
    for (const q of this.qrels.values()) q.out.close();
  }
}

/** The formats `lsr data import` reads. */
export type DatasetFormat = 'beir' | 'trec' | 'msmarco' | 'smart';

/**
 * A registered dataset. Whatever the source format, an import writes one normalized BEIR folder
 * (`corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`, optional `train-triples.jsonl`) under the workspace.
 */
export interface DatasetRecord {
  name: string;
  format: DatasetFormat;
  /** Absolute path the user imported from. */
  source: string;
  /** Absolute path of the normalized BEIR folder. */
  path: string;
  docs: number;
  queries: number;
  /** Split name → number of qrels lines. */
  splits: Record<string, number>;
  /** Number of training examples (triples) stored with the dataset, 0 when none. */
  trainingExamples: number;
  /** Lines skipped as malformed during import (each was reported with file and line). */
  skippedLines: number;
  importedAt: string;
}

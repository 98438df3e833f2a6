import type { TokenBatch, TrainBatch } from '../train-step.ts';

/** Rows [start, start + count) of a batch. */
export interface RowRange {
  start: number;
  count: number;
}

/** Splits `rows` into `parts` contiguous ranges, the first `rows mod parts` one row longer. */
export function shardRows(rows: number, parts: number): RowRange[] {
  const base = Math.floor(rows / parts);
  const extra = rows % parts;
  const out: RowRange[] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const count = base + (i < extra ? 1 : 0);
    out.push({ start, count });
    start += count;
  }
  return out;
}

export function sliceTokens(b: TokenBatch, r: RowRange): TokenBatch {
  const from = r.start * b.cols;
  const to = (r.start + r.count) * b.cols;
  return { inputIds: b.inputIds.slice(from, to), attentionMask: b.attentionMask.slice(from, to), rows: r.count, cols: b.cols };
}

/** One worker's part of a micro-batch, and where its rows sit among the whole batch's representations. */
export interface BatchShard {
  /** The worker's rows (queries, their positives and their hard negatives). */
  local: TrainBatch;
  ranges: { queries: RowRange; positives: RowRange; negatives: RowRange };
  /** Rows of the whole micro-batch. */
  totals: { queries: number; positives: number; negatives: number };
  /** The whole micro-batch's teacher scores: the loss is computed over the whole batch on every worker. */
  teacherScores?: Float32Array;
}

/** Splits a micro-batch by queries: worker i gets query rows of shard i, their positives and negatives. */
export function shardBatch(batch: TrainBatch, parts: number): BatchShard[] {
  const rows = batch.queries.rows;
  if (batch.positives.rows !== rows) throw new Error(`${rows} queries but ${batch.positives.rows} positives`);
  const n = batch.negatives ? batch.negativesPerQuery : 0;
  if (batch.negatives && batch.negatives.rows !== rows * n) {
    throw new Error(`expected ${rows * n} negatives (${n} per query), got ${batch.negatives.rows}`);
  }
  return shardRows(rows, parts).map((q) => {
    const neg: RowRange = { start: q.start * n, count: q.count * n };
    return {
      local: {
        queries: sliceTokens(batch.queries, q),
        positives: sliceTokens(batch.positives, q),
        negatives: batch.negatives ? sliceTokens(batch.negatives, neg) : undefined,
        negativesPerQuery: batch.negativesPerQuery,
      },
      ranges: { queries: q, positives: q, negatives: neg },
      totals: { queries: rows, positives: rows, negatives: rows * n },
      teacherScores: batch.teacherScores,
    };
  });
}

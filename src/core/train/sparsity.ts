/** Running counts of non-zero entries over SPLADE vectors, for the `*_nnz_*` and `*_weight_mean` metrics. */
export interface Sparsity {
  rows: number;
  nnzSum: number;
  nnzMax: number;
  weightSum: number;
}

export function emptySparsity(): Sparsity {
  return { rows: 0, nnzSum: 0, nnzMax: 0, weightSum: 0 };
}

/** Adds `rows` vectors of `vocab` entries (row-major in `data`, starting at row `from`) to `into`. */
export function countSparsity(data: Float32Array, rows: number, vocab: number, into: Sparsity, from = 0): void {
  for (let i = from; i < from + rows; i++) {
    let nnz = 0;
    for (let v = i * vocab, end = v + vocab; v < end; v++) {
      const x = data[v]!;
      if (x !== 0) {
        nnz++;
        into.weightSum += x;
      }
    }
    into.nnzSum += nnz;
    if (nnz > into.nnzMax) into.nnzMax = nnz;
  }
  into.rows += rows;
}

/** The sparsity metrics by their recorded names, `q_*` from queries and `d_*` from documents. */
export function sparsityMetrics(q: Sparsity, d: Sparsity): Record<string, number> {
  return {
    q_nnz_mean: q.nnzSum / q.rows,
    q_nnz_max: q.nnzMax,
    d_nnz_mean: d.nnzSum / d.rows,
    d_nnz_max: d.nnzMax,
    q_weight_mean: q.nnzSum > 0 ? q.weightSum / q.nnzSum : 0,
    d_weight_mean: d.nnzSum > 0 ? d.weightSum / d.nnzSum : 0,
  };
}

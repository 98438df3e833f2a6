/**
 * Sparsity figures of a set of query vectors against a set of document vectors: mean nonzeros and FLOPS,
 * the expected number of multiplications per query–document pair, Σ_t p_q(t)·p_d(t), where p is the
 * fraction of queries (documents) in which term t is nonzero (Paria et al., 2020; SPLADE).
 */
export interface SparsityStats {
  queryNnzMean: number;
  docNnzMean: number;
  flops: number;
}

/** Counts, per term, in how many vectors of one side it is nonzero. */
export class TermPresence<K = string | number> {
  readonly counts = new Map<K, number>();
  vectors = 0;
  nonzeros = 0;

  /** Adds one vector given by the keys of its nonzero entries (each key once). */
  add(keys: Iterable<K>): void {
    this.vectors++;
    for (const key of keys) {
      this.nonzeros++;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }

  get nnzMean(): number {
    return this.vectors > 0 ? this.nonzeros / this.vectors : 0;
  }
}

export function sparsityStats<K>(queries: TermPresence<K>, docs: TermPresence<K>): SparsityStats {
  let flops = 0;
  if (queries.vectors > 0 && docs.vectors > 0) {
    for (const [key, qCount] of queries.counts) {
      const dCount = docs.counts.get(key);
      if (dCount !== undefined) flops += (qCount / queries.vectors) * (dCount / docs.vectors);
    }
  }
  return { queryNnzMean: queries.nnzMean, docNnzMean: docs.nnzMean, flops };
}

/** A sparse vector over term indices of a Vocabulary; weights are positive and each term appears once. */
export interface SparseVector {
  terms: Uint32Array;
  weights: Float32Array;
}

/** Term key (a token id or token string as `lsr encode` writes it) ↔ dense term index. */
export class Vocabulary {
  private readonly index = new Map<string, number>();
  readonly keys: string[] = [];

  constructor(keys: Iterable<string> = []) {
    for (const key of keys) this.intern(key);
  }

  get size(): number {
    return this.keys.length;
  }

  lookup(key: string): number | undefined {
    return this.index.get(key);
  }

  intern(key: string): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.keys.length;
      this.index.set(key, i);
      this.keys.push(key);
    }
    return i;
  }
}

/**
 * Converts `{key: weight}` to a SparseVector. With `grow`, unknown keys are added to the vocabulary;
 * without it they are dropped (a query term no document has cannot contribute). Zero weights are dropped.
 */
export function toSparseVector(vector: Readonly<Record<string, number>>, vocab: Vocabulary, grow: boolean): SparseVector {
  const terms: number[] = [];
  const weights: number[] = [];
  for (const key in vector) {
    const w = vector[key]!;
    if (w === 0) continue;
    const t = grow ? vocab.intern(key) : vocab.lookup(key);
    if (t === undefined) continue;
    terms.push(t);
    weights.push(w);
  }
  return { terms: Uint32Array.from(terms), weights: Float32Array.from(weights) };
}

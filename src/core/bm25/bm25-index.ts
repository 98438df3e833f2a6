import { EnglishAnalyzer } from './english-analyzer.ts';
import { InvertedIndexBuilder, type InvertedIndex } from '../retrieval/inverted-index.ts';
import { Searcher, resultToRun } from '../retrieval/searcher.ts';
import { Vocabulary, type SparseVector } from '../retrieval/sparse-vector.ts';
import type { ScoredDoc } from '../eval/run-file.ts';

export interface Bm25Params {
  k1: number;
  b: number;
}

export const LUCENE_BM25_DEFAULTS: Bm25Params = { k1: 0.9, b: 0.4 };

/** Lucene's BM25 idf: ln(1 + (N − df + 0.5) / (df + 0.5)). */
export function bm25Idf(docCount: number, df: number): number {
  return Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
}

/**
 * BM25 as Lucene's BM25Similarity (Lucene ≥ 8) scores it: for each query term occurrence,
 * idf · tf / (tf + k1 · (1 − b + b · dl / avgdl)) (no (k1 + 1) factor, which does not change rankings),
 * with N the number of documents that have at least one indexed token, avgdl = total tokens / N and dl
 * the number of indexed tokens of the document (stop words excluded). Unlike Lucene, dl is exact:
 * Lucene stores it in a lossy one-byte encoding (SmallFloat.intToByte4), which shifts scores slightly.
 *
 * The index is the sparse inverted index, with impact idf · tf / (tf + k1 · norm) per (term, document);
 * a query's weights are its term counts (a repeated query term counts again, as Lucene's boolean query
 * of one clause per token scores it).
 */
export class Bm25Index {
  private readonly searcher: Searcher;

  private constructor(
    readonly index: InvertedIndex,
    readonly analyzer: EnglishAnalyzer,
    readonly params: Bm25Params,
    readonly avgdl: number,
  ) {
    this.searcher = new Searcher(index);
  }

  static build(docs: Iterable<[id: string, text: string]>, params: Bm25Params = LUCENE_BM25_DEFAULTS, analyzer = new EnglishAnalyzer()): Bm25Index {
    const vocab = new Vocabulary();
    const ids: string[] = [];
    const perDoc: { terms: Uint32Array; tfs: Uint32Array; length: number }[] = [];
    const df: number[] = [];
    let totalLength = 0;
    let docCount = 0;
    for (const [id, text] of docs) {
      const counts = new Map<number, number>();
      const tokens = analyzer.analyze(text);
      for (const token of tokens) {
        const t = vocab.intern(token);
        counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      for (const t of counts.keys()) df[t] = (df[t] ?? 0) + 1;
      ids.push(id);
      perDoc.push({ terms: Uint32Array.from(counts.keys()), tfs: Uint32Array.from(counts.values()), length: tokens.length });
      totalLength += tokens.length;
      if (tokens.length > 0) docCount++;
    }
    const avgdl = docCount > 0 ? totalLength / docCount : 0;
    const idf = Float64Array.from({ length: vocab.size }, (_, t) => bm25Idf(docCount, df[t]!));
    const builder = new InvertedIndexBuilder();
    for (const key of vocab.keys) builder.vocab.intern(key);
    perDoc.forEach((d, i) => {
      const norm = params.k1 * (1 - params.b + (params.b * d.length) / avgdl);
      const weights = new Float32Array(d.terms.length);
      for (let j = 0; j < d.terms.length; j++) weights[j] = (idf[d.terms[j]!]! * d.tfs[j]!) / (d.tfs[j]! + norm);
      builder.addVector(ids[i]!, { terms: d.terms, weights });
    });
    return new Bm25Index(builder.build(), analyzer, params, avgdl);
  }

  /** The query's analyzed terms as a sparse vector of counts (terms absent from the index dropped). */
  queryVector(text: string): SparseVector {
    const counts = new Map<number, number>();
    for (const token of this.analyzer.analyze(text)) {
      const t = this.index.vocab.lookup(token);
      if (t !== undefined) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    return { terms: Uint32Array.from(counts.keys()), weights: Float32Array.from(counts.values()) };
  }

  search(text: string, k = 1000): ScoredDoc[] {
    return resultToRun(this.index, this.searcher.search(this.queryVector(text), k));
  }
}

import { InputError } from '../errors.ts';
import { buildDenseColumns, countDenseColumns } from './dense-columns.ts';
import { GrowableFloat32, GrowableUint32 } from './growable.ts';
import type { PostingsView } from './postings-view.ts';
import { MAX_KERNEL_BYTES, allocateArray, createKernelMemory, type WasmMemory } from './search-kernel.ts';
import { sharedArray, toShared } from './shared-arrays.ts';
import { Vocabulary, type SparseVector } from './sparse-vector.ts';

/** Postings per block-max entry (a power of two). */
export const BLOCK_SHIFT = 6;
export const BLOCK_SIZE = 1 << BLOCK_SHIFT;

/** How impacts are stored: float32 as given, or rounded to an 8-bit grid (`round(w / scale)`, zeros dropped). */
export type ImpactEncoding = 'float32' | 'uint8';

export interface InvertedIndexParts {
  docIds: string[];
  keys: string[];
  /** Term t's postings are [offsets[t], offsets[t + 1]). */
  offsets: Uint32Array;
  /** Document numbers, ascending within each term. */
  postingDocs: Uint32Array;
  /** Impacts (document weights), float32 (for uint8 encoding: the dequantized grid values). */
  impacts: Float32Array;
  encoding: ImpactEncoding;
  /** Grid step of the uint8 encoding (1 for float32). */
  scale: number;
}

/**
 * An inverted index over sparse vectors: per term, the documents where it is nonzero and their weights,
 * in CSR layout over typed arrays. Built by InvertedIndexBuilder, saved and loaded by index-file.ts.
 * Every array lives in shared memory (parts are copied there once), so search worker threads read the
 * index without copies; the postings and dense columns in the search kernel's WebAssembly memory when
 * they fit in it.
 */
export class InvertedIndex implements PostingsView {
  readonly docIds: string[];
  readonly vocab: Vocabulary;
  readonly offsets: Uint32Array;
  readonly postingDocs: Uint32Array;
  readonly impacts: Float32Array;
  readonly encoding: ImpactEncoding;
  readonly scale: number;
  /** Largest impact of each term (its score upper bound per unit of query weight). */
  readonly maxImpact: Float32Array;
  /**
   * Largest impact in each run of BLOCK_SIZE consecutive postings (blocks are positions in postingDocs, so
   * a block may straddle two terms: its value is then a looser, still valid, bound for both).
   */
  readonly blockMax: Float32Array;
  /** Rank of each document's id in ascending string order (the trec_eval tie-break: larger id first). */
  readonly tieRank: Int32Array;
  readonly denseColumn: Int32Array;
  readonly denseImpacts: Float32Array;
  readonly kernelMemory: WasmMemory | undefined;

  constructor(parts: InvertedIndexParts) {
    this.docIds = parts.docIds;
    this.vocab = new Vocabulary(parts.keys);
    this.offsets = toShared(parts.offsets);
    const numDocs = parts.docIds.length;
    const kernelBytes = parts.postingDocs.length * 8 + countDenseColumns(parts.offsets, numDocs) * numDocs * 4;
    const memory = kernelBytes <= MAX_KERNEL_BYTES ? createKernelMemory() : undefined;
    this.kernelMemory = memory;
    if (memory) {
      this.postingDocs = allocateArray(memory, Uint32Array, parts.postingDocs.length);
      this.postingDocs.set(parts.postingDocs);
      this.impacts = allocateArray(memory, Float32Array, parts.impacts.length);
      this.impacts.set(parts.impacts);
    } else {
      this.postingDocs = toShared(parts.postingDocs);
      this.impacts = toShared(parts.impacts);
    }
    this.encoding = parts.encoding;
    this.scale = parts.scale;
    const numTerms = parts.keys.length;
    if (parts.offsets.length !== numTerms + 1) throw new Error('index offsets do not match its vocabulary');
    const { offsets, impacts } = this;
    this.maxImpact = sharedArray(Float32Array, numTerms);
    for (let t = 0; t < numTerms; t++) {
      let m = 0;
      for (let p = offsets[t]!; p < offsets[t + 1]!; p++) if (impacts[p]! > m) m = impacts[p]!;
      this.maxImpact[t] = m;
    }
    this.blockMax = sharedArray(Float32Array, Math.ceil(impacts.length / BLOCK_SIZE));
    for (let p = 0; p < impacts.length; p++) {
      const b = p >> BLOCK_SHIFT;
      if (impacts[p]! > this.blockMax[b]!) this.blockMax[b] = impacts[p]!;
    }
    const order = parts.docIds.map((_, i) => i).sort((a, b) => (parts.docIds[a]! < parts.docIds[b]! ? -1 : parts.docIds[a]! > parts.docIds[b]! ? 1 : 0));
    this.tieRank = sharedArray(Int32Array, parts.docIds.length);
    for (let r = 0; r < order.length; r++) this.tieRank[order[r]!] = r;
    const dense = buildDenseColumns(offsets, this.postingDocs, impacts, numDocs, memory ? (n) => allocateArray(memory, Float32Array, n) : undefined);
    this.denseColumn = dense.denseColumn;
    this.denseImpacts = dense.denseImpacts;
  }

  get numDocs(): number {
    return this.docIds.length;
  }

  get numTerms(): number {
    return this.vocab.size;
  }

  get numPostings(): number {
    return this.postingDocs.length;
  }

  /** Bytes held by the postings (document numbers + impacts as stored on disk) and offsets. */
  get postingBytes(): number {
    return this.postingDocs.byteLength + (this.encoding === 'uint8' ? this.impacts.length : this.impacts.byteLength) + this.offsets.byteLength;
  }
}

export interface BuilderOptions {
  encoding?: ImpactEncoding;
  /** For uint8: the grid step; default max weight / 255 over the whole collection. */
  scale?: number;
}

/**
 * Builds an index while documents stream in: postings are gathered as (term, doc, weight) triples in
 * growable typed arrays, then laid out per term with one counting sort.
 */
export class InvertedIndexBuilder {
  readonly vocab = new Vocabulary();
  private readonly docIds: string[] = [];
  private readonly seen = new Set<string>();
  private readonly terms = new GrowableUint32(1 << 16);
  private readonly docs = new GrowableUint32(1 << 16);
  private readonly weights = new GrowableFloat32(1 << 16);
  private maxWeight = 0;

  constructor(private readonly options: BuilderOptions = {}) {}

  get numDocs(): number {
    return this.docIds.length;
  }

  /** Adds a document from `{key: weight}` (weights ≥ 0; zeros are not indexed). */
  addRecord(id: string, vector: Readonly<Record<string, number>>, where: { file?: string; line?: number } = {}): void {
    const doc = this.addId(id, where);
    for (const key in vector) {
      const w = vector[key]!;
      if (w > 0) this.push(this.vocab.intern(key), doc, w);
    }
  }

  /** Adds a document whose terms are already indices of this builder's vocabulary. */
  addVector(id: string, vector: SparseVector): void {
    const doc = this.addId(id, {});
    for (let i = 0; i < vector.terms.length; i++) if (vector.weights[i]! > 0) this.push(vector.terms[i]!, doc, vector.weights[i]!);
  }

  private addId(id: string, where: { file?: string; line?: number }): number {
    if (this.seen.has(id)) throw new InputError(`duplicate document id "${id}"`, { ...where, field: 'id' });
    this.seen.add(id);
    this.docIds.push(id);
    return this.docIds.length - 1;
  }

  private push(term: number, doc: number, w: number): void {
    this.terms.push(term);
    this.docs.push(doc);
    this.weights.push(w);
    if (w > this.maxWeight) this.maxWeight = w;
  }

  build(): InvertedIndex {
    const numTerms = this.vocab.size;
    const terms = this.terms.view();
    const docs = this.docs.view();
    const weights = this.weights.view();
    const encoding = this.options.encoding ?? 'float32';
    const scale = encoding === 'uint8' ? (this.options.scale ?? (this.maxWeight > 0 ? this.maxWeight / 255 : 1)) : 1;

    const keep = (w: number): boolean => encoding === 'float32' || Math.min(255, Math.round(w / scale)) > 0;
    const counts = new Uint32Array(numTerms + 1);
    for (let i = 0; i < terms.length; i++) if (keep(weights[i]!)) counts[terms[i]! + 1]!++;
    const offsets = new Uint32Array(numTerms + 1);
    for (let t = 0; t < numTerms; t++) offsets[t + 1] = offsets[t]! + counts[t + 1]!;
    const total = offsets[numTerms]!;
    const postingDocs = new Uint32Array(total);
    const impacts = new Float32Array(total);
    const cursor = offsets.slice(0, numTerms);
    // Triples arrive in document order, so a stable counting sort leaves each posting list ascending.
    for (let i = 0; i < terms.length; i++) {
      const w = weights[i]!;
      if (!keep(w)) continue;
      const p = cursor[terms[i]!]!++;
      postingDocs[p] = docs[i]!;
      impacts[p] = encoding === 'uint8' ? Math.min(255, Math.round(w / scale)) * scale : w;
    }
    return new InvertedIndex({ docIds: this.docIds, keys: this.vocab.keys, offsets, postingDocs, impacts, encoding, scale });
  }
}

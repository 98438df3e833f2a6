import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMaskedLm } from '../../../src/core/models/load.ts';
import type { MaskedLmModel } from '../../../src/core/models/types.ts';
import { SpladeEncoder, type SparseVector } from '../../../src/core/splade/encoder.ts';
import { computeHeadStats, meanPairwiseRowCosine } from '../../../src/core/splade/head-stats.ts';
import { rescaleHead } from '../../../src/core/splade/rescale.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { loadTokenizer } from '../../../src/core/tokenize/load-tokenizer.ts';
import type { TextTokenizer } from '../../../src/core/tokenize/text-tokenizer.ts';
import { referenceBert, referenceDistilBert, worstRatio } from '../../helpers/reference-mlm.ts';
import { writeTinyBert, writeTinyDistilBert, type TinyCheckpoint } from '../../helpers/tiny-checkpoint.ts';

const TEXTS = [
  'what is the boiling point of water',
  'Water boils at 100 degrees Celsius at sea level, and at lower temperatures higher up.',
  'snowman',
  'Café naïve résumé!',
  'a b c d e f g h i j k l m n o p q r s t u v w x y z',
];

let bert: TinyCheckpoint;
let model: MaskedLmModel;
let tokenizer: TextTokenizer;

beforeAll(async () => {
  await selectBackend('wasm');
  bert = writeTinyBert({ seed: 31 });
  model = loadMaskedLm(bert.dir);
  tokenizer = await loadTokenizer(bert.dir);
});
afterAll(() => model.dispose());

/** Dense SPLADE vectors and argmax positions from the float64 reference forward, with logits divided by k. */
async function referenceVectors(
  ckpt: TinyCheckpoint,
  reference: typeof referenceBert,
  texts: string[],
  maxLength: number,
  k = 1,
): Promise<{ dense: Float64Array[]; positions: Int32Array[]; gaps: Float64Array[]; logitsL2: number[] }> {
  const encoded = await tokenizer.encodeBatch(texts, maxLength);
  const V = ckpt.config.vocab_size as number;
  const out = { dense: [] as Float64Array[], positions: [] as Int32Array[], gaps: [] as Float64Array[], logitsL2: [] as number[] };
  for (const e of encoded) {
    const ref = reference(ckpt.config, ckpt.weights, [e.ids], [e.ids.map(() => 1)]);
    const logits = ref.logits[0]!.map((row) => row.map((v) => v / k));
    const dense = new Float64Array(V);
    const positions = new Int32Array(V);
    const gaps = new Float64Array(V).fill(Infinity);
    for (let j = 0; j < V; j++) {
      let best = -Infinity;
      for (let t = 0; t < logits.length; t++) {
        const v = logits[t]![j]!;
        if (v > best) {
          gaps[j] = v - best;
          best = v;
          positions[j] = t;
        } else gaps[j] = Math.min(gaps[j]!, best - v);
      }
      dense[j] = Math.log1p(Math.max(0, best));
    }
    out.dense.push(dense);
    out.positions.push(positions);
    out.gaps.push(gaps);
    for (const row of logits) out.logitsL2.push(Math.hypot(...row));
  }
  return out;
}

function toDense(v: SparseVector, vocab: number): Float64Array {
  const d = new Float64Array(vocab);
  v.termIds.forEach((t, i) => (d[t] = v.weights[i]!));
  return d;
}

/** Relative agreement for aggregates summed in float32 over a 30522-entry vocabulary. */
function expectRel(actual: number, expected: number, rel = 1e-5): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

function rms(v: Float64Array[]): number {
  let s = 0;
  let n = 0;
  for (const r of v) {
    for (const x of r) s += x * x;
    n += r.length;
  }
  return Math.sqrt(s / n);
}

async function expectMatches(enc: SpladeEncoder, ckpt: TinyCheckpoint, reference: typeof referenceBert, k = 1): Promise<void> {
  const V = ckpt.config.vocab_size as number;
  const vectors = await enc.encodeTexts(TEXTS, 'document');
  const ref = await referenceVectors(ckpt, reference, TEXTS, enc.documentMaxLength, k);
  const scale = rms(ref.dense);
  vectors.forEach((v, i) => {
    expect(worstRatio(toDense(v, V), ref.dense[i]!, { scale })).toBeLessThanOrEqual(1);
    // Terms come sorted, all > 0, and each position is the reference's argmax (where the max is clear).
    expect(Array.from(v.termIds)).toEqual([...v.termIds].sort((a, b) => a - b));
    expect(v.weights.every((w) => w > 0)).toBe(true);
    v.termIds.forEach((t, n) => {
      if (ref.gaps[i]![t]! > 1e-4) expect(v.positions[n]).toBe(ref.positions[i]![t]);
    });
  });
}

describe('SpladeEncoder', () => {
  it('matches the SPLADE definition on the float64 reference forward (BERT)', async () => {
    await expectMatches(new SpladeEncoder(model, tokenizer, { batchSize: 2 }), bert, referenceBert);
  });

  it('matches for DistilBERT, with a small vocabulary chunk', async () => {
    const distil = writeTinyDistilBert({ seed: 32 });
    const m = loadMaskedLm(distil.dir);
    await expectMatches(new SpladeEncoder(m, tokenizer, { batchSize: 3, chunkElements: 50_000 }), distil, referenceDistilBert);
    m.dispose();
  });

  it('does not depend on which texts share a batch', async () => {
    const alone = await new SpladeEncoder(model, tokenizer, { batchSize: 1 }).encodeTexts(TEXTS, 'document');
    const together = await new SpladeEncoder(model, tokenizer, { batchSize: 5 }).encodeTexts([...TEXTS].reverse(), 'document');
    together.reverse();
    alone.forEach((v, i) => {
      const a = toDense(v, 30522);
      const b = toDense(together[i]!, 30522);
      // Different batch shapes take different float32 summation paths: equal to the model tolerance.
      expect(worstRatio(b, a)).toBeLessThanOrEqual(1);
    });
  });

  it('keeps query and document max lengths apart', async () => {
    const enc = new SpladeEncoder(model, tokenizer, { queryMaxLength: 6, documentMaxLength: 12 });
    const long = [TEXTS[4]!];
    const q: number[][] = [];
    const d: number[][] = [];
    for await (const item of enc.encodeStream([{ id: 'x', text: long[0]! }], 'query')) q.push(item.inputIds);
    for await (const item of enc.encodeStream([{ id: 'x', text: long[0]! }], 'document')) d.push(item.inputIds);
    expect(q[0]).toHaveLength(6);
    expect(d[0]).toHaveLength(12);
    expect(q[0]![5]).toBe(102);
    expect(enc.maxLength('query')).toBe(6);
    expect(new SpladeEncoder(model, tokenizer).documentMaxLength).toBe(64); // min(max_position_embeddings, 512)
  });

  it('holds the tensor count steady across batches', async () => {
    const enc = new SpladeEncoder(model, tokenizer, { batchSize: 2 });
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const items = Array.from({ length: 8 }, (_, i) => ({ id: String(i), text: TEXTS[i % TEXTS.length]! }));
    for await (const _ of enc.encodeStream(items, 'document', { onProgress: () => counts.push(tf.memory().numTensors) })) {
      // consume
    }
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('after rescaling by k matches log(1 + relu(logit / k)) of the reference', async () => {
    const ckpt = writeTinyBert({ seed: 33 });
    const m = loadMaskedLm(ckpt.dir);
    rescaleHead(m, 4);
    await expectMatches(new SpladeEncoder(m, tokenizer, { batchSize: 4 }), ckpt, referenceBert, 4);
    m.dispose();
  });
});

describe('head-stats', () => {
  it('agrees with the reference and with actually rescaling the head', async () => {
    const ks = [1, 4];
    const stats = await computeHeadStats(model, tokenizer, ks, TEXTS, { batchSize: 2 });
    expect(stats).toMatchObject({ architecture: 'BertForMaskedLM', vocab_size: 30522, tied: true, texts: TEXTS.length });
    const W = bert.weights.get('bert.embeddings.word_embeddings.weight')!.data;
    const b = bert.weights.get('cls.predictions.bias')!.data;
    const H = 16;
    let frob = 0;
    let rows = 0;
    for (let j = 0; j < 30522; j++) {
      let r = 0;
      for (let i = 0; i < H; i++) r += W[j * H + i]! ** 2;
      frob += r;
      rows += Math.sqrt(r);
    }
    const biasNorm = Math.hypot(...b);
    for (const k of ks) {
      const s = stats.by_k[String(k)]!;
      const ref = await referenceVectors(bert, referenceBert, TEXTS, 64, k);
      expect(stats.tokens).toBe(ref.logitsL2.length);
      expectRel(s.decoder_weight_frobenius_norm, Math.sqrt(frob) / k, 1e-12);
      expectRel(s.decoder_weight_mean_row_l2_norm, rows / 30522 / k, 1e-12);
      expectRel(s.decoder_bias_l2_norm, biasNorm / k, 1e-12);
      expectRel(s.logits_l2_mean, ref.logitsL2.reduce((a, c) => a + c, 0) / ref.logitsL2.length);
      const weights = ref.dense.flatMap((d) => Array.from(d).filter((w) => w > 0));
      // A weight within float32 noise of 0 may fall either side: allow one entry per text.
      expect(Math.abs(s.splade_nnz_mean - weights.length / TEXTS.length)).toBeLessThanOrEqual(0.2);
      expectRel(s.splade_weight_mean, weights.reduce((a, c) => a + c, 0) / weights.length, 1e-4);
      expectRel(s.splade_weight_max, Math.max(...weights), 1e-4);

      // The same numbers from a model whose head was really divided by k, encoded the normal way.
      const ckptModel = loadMaskedLm(bert.dir);
      rescaleHead(ckptModel, k);
      const vectors = await new SpladeEncoder(ckptModel, tokenizer).encodeTexts(TEXTS, 'document');
      const all = vectors.flatMap((v) => Array.from(v.weights));
      expect(Math.abs(s.splade_nnz_mean - all.length / TEXTS.length)).toBeLessThanOrEqual(0.2);
      expectRel(s.splade_weight_mean, all.reduce((a, c) => a + c, 0) / all.length, 1e-4);
      const direct = await computeHeadStats(ckptModel, tokenizer, [1], TEXTS);
      expectRel(direct.by_k['1']!.decoder_weight_frobenius_norm, s.decoder_weight_frobenius_norm, 1e-6);
      expectRel(direct.by_k['1']!.logits_l2_mean, s.logits_l2_mean);
      expect(direct.by_k['1']!.splade_nnz_mean).toBe(s.splade_nnz_mean);
      expect(direct.tied).toBe(k === 1);
      ckptModel.dispose();
    }
  });
});

describe('decoder rows mean cosine', () => {
  it('is the mean cosine of distinct non-zero rows (hand-computed case)', () => {
    // rows (1,0), (0,1), (1,1) and a zero row: cosines 0, 1/√2, 1/√2.
    const W = Float32Array.from([1, 0, 0, 1, 1, 1, 0, 0]);
    expect(meanPairwiseRowCosine(W, 4, 2)).toBeCloseTo(Math.SQRT2 / 3, 7);
    expect(meanPairwiseRowCosine(Float32Array.from([3, 4, 0, 0]), 2, 2)).toBeNull();
    // Rows along one direction, of different lengths (as degenerated rare-token rows are), give 1;
    // with one of them reversed, the three pairs give 1, −1, −1.
    expect(meanPairwiseRowCosine(Float32Array.from([1, 2, 2, 4, 0.5, 1]), 3, 2)).toBeCloseTo(1, 7);
    expect(meanPairwiseRowCosine(Float32Array.from([1, 2, 2, 4, -0.5, -1]), 3, 2)).toBeCloseTo(-1 / 3, 7);
  });

  it('matches brute force over all pairs, and the head-stats field is k-invariant', async () => {
    const rows = 37;
    const cols = 5;
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    const W = Float32Array.from({ length: rows * cols }, () => rand() + 0.3);
    let sum = 0;
    let pairs = 0;
    for (let a = 0; a < rows; a++) {
      for (let b = a + 1; b < rows; b++) {
        let dot = 0;
        let na = 0;
        let nb = 0;
        for (let c = 0; c < cols; c++) {
          dot += W[a * cols + c]! * W[b * cols + c]!;
          na += W[a * cols + c]! ** 2;
          nb += W[b * cols + c]! ** 2;
        }
        sum += dot / Math.sqrt(na * nb);
        pairs++;
      }
    }
    expect(meanPairwiseRowCosine(W, rows, cols)!).toBeCloseTo(sum / pairs, 6);
    const stats = await computeHeadStats(model, tokenizer, [1, 16], TEXTS.slice(0, 2));
    const E = bert.weights.get('bert.embeddings.word_embeddings.weight')!.data;
    expect(stats.decoder_rows_mean_cosine).toBeCloseTo(meanPairwiseRowCosine(Float32Array.from(E), 30522, 16)!, 9);
  });
});

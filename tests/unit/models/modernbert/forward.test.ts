import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModernBert } from '../../../../src/core/models/modernbert/index.ts';
import type { MaskedLmModel } from '../../../../src/core/models/types.ts';
import { selectBackend } from '../../../../src/core/tensor/backend.ts';
import { randomModernBertWeights, seededRandom, tinyModernBertConfig, variantModernBertConfig } from '../../../helpers/modernbert-checkpoint.ts';
import { expectAllClose, maxAbsDiff } from './compare.ts';
import { erf64, referenceMlmForward } from './reference-forward.ts';

const PAD = 0;

function randomIds(lengths: number[], vocab: number, seed: number): number[][] {
  const rand = seededRandom(seed);
  return lengths.map((n) => Array.from({ length: n }, () => 1 + Math.floor(rand() * (vocab - 1))));
}

/** Right-pads to the longest sequence and runs headHidden and the decoder (as a consumer would). */
function runModel(model: MaskedLmModel, seqs: number[][]): { hidden: number[][][]; logits: number[][][] } {
  const seq = Math.max(...seqs.map((s) => s.length));
  const ids = seqs.map((s) => [...s, ...Array<number>(seq - s.length).fill(PAD)]);
  const mask = seqs.map((s) => Array.from({ length: seq }, (_, i) => (i < s.length ? 1 : 0)));
  const idsT = tf.tensor2d(ids, undefined, 'int32');
  const maskT = tf.tensor2d(mask, undefined, 'int32');
  const hiddenT = model.headHidden(idsT, maskT);
  const logitsT = tf.tidy(() => {
    const [b, s, h] = hiddenT.shape;
    const flat = tf.reshape(hiddenT, [b * s, h]) as tf.Tensor2D;
    return tf.reshape(tf.add(tf.matMul(flat, model.decoderWeight, false, true), model.decoderBias), [b, s, -1]);
  });
  const out = { hidden: hiddenT.arraySync(), logits: logitsT.arraySync() as number[][][] };
  tf.dispose([idsT, maskT, hiddenT, logitsT]);
  return out;
}

function compareToReference(
  cfg: Record<string, unknown>,
  weights: ReturnType<typeof randomModernBertWeights>,
  seqs: number[][],
  out: { hidden: number[][][]; logits: number[][][] },
  label: string,
): void {
  seqs.forEach((s, b) => {
    const ref = referenceMlmForward(cfg, weights, s);
    // Only the sequence's own positions: padding rows are unspecified.
    expectAllClose(out.hidden[b].slice(0, s.length).flat(), ref.headHidden.flatMap((r) => [...r]), `${label} hidden[${b}]`);
    expectAllClose(out.logits[b].slice(0, s.length).flat(), ref.logits.flatMap((r) => [...r]), `${label} logits[${b}]`);
  });
}

describe('ModernBertForMaskedLM forward vs an independent float64 reference', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('the reference erf is accurate (checked against tabulated values)', () => {
    expect(erf64(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf64(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf64(-2.9)).toBeCloseTo(-0.9999589021219005, 12);
    expect(erf64(3.5)).toBeCloseTo(0.9999992569016276, 14);
  });

  it('matches on an unpadded batch (global and sliding-window layers, tied decoder)', () => {
    const cfg = tinyModernBertConfig();
    const weights = randomModernBertWeights(cfg, 11);
    const model = buildModernBert(cfg, weights, 'tiny');
    try {
      const seqs = randomIds([10, 10], 100, 3);
      compareToReference(cfg, weights, seqs, runModel(model, seqs), 'unpadded');
    } finally {
      model.dispose();
    }
  });

  it('right padding does not leak, and results do not depend on batch companions', () => {
    const cfg = tinyModernBertConfig();
    const weights = randomModernBertWeights(cfg, 12);
    const model = buildModernBert(cfg, weights, 'tiny');
    try {
      const seqs = randomIds([10, 6, 3, 9], 100, 4);
      const batched = runModel(model, seqs);
      // The reference sees each sequence alone, without any padding.
      compareToReference(cfg, weights, seqs, batched, 'padded');
      // The same sequence alone, and next to a different companion, gives the same numbers.
      const alone = runModel(model, [seqs[1]]);
      const otherBatch = runModel(model, [randomIds([12], 100, 99)[0], seqs[1]]);
      const mine = batched.hidden[1].slice(0, 6).flat();
      expect(maxAbsDiff(alone.hidden[0].flat(), mine)).toBeLessThan(1e-5);
      expect(maxAbsDiff(otherBatch.hidden[1].slice(0, 6).flat(), mine)).toBeLessThan(1e-5);
    } finally {
      model.dispose();
    }
  });

  it('the sliding window matters at this length (a model without it would fail the comparison)', () => {
    const cfg = tinyModernBertConfig();
    const weights = randomModernBertWeights(cfg, 11);
    const [ids] = randomIds([10], 100, 3);
    const windowed = referenceMlmForward(cfg, weights, ids).headHidden.flatMap((r) => [...r]);
    const full = referenceMlmForward(cfg, weights, ids, { localAttention: 1000 }).headHidden.flatMap((r) => [...r]);
    expect(maxAbsDiff(windowed, full)).toBeGreaterThan(0.05);
  });

  it('matches with every bias on, other activations, an odd window, rope_parameters and an untied decoder', () => {
    const cfg = variantModernBertConfig({ norm_eps: 1e-6 });
    const weights = randomModernBertWeights(cfg, 21);
    const model = buildModernBert(cfg, weights, 'tiny-variant');
    try {
      expect(model.info.tied).toBe(false);
      const seqs = randomIds([9, 5], 100, 5);
      compareToReference(cfg, weights, seqs, runModel(model, seqs), 'variant');
    } finally {
      model.dispose();
    }
  });

  it('matches with a window wider than the sequence (every layer effectively global)', () => {
    const cfg = tinyModernBertConfig({ local_attention: 64, num_hidden_layers: 2, global_attn_every_n_layers: 2 });
    const weights = randomModernBertWeights(cfg, 31);
    const model = buildModernBert(cfg, weights, 'tiny-wide');
    try {
      const seqs = randomIds([7, 4], 100, 6);
      compareToReference(cfg, weights, seqs, runModel(model, seqs), 'wide');
    } finally {
      model.dispose();
    }
  });
});

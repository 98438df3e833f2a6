import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModernBert } from '../../../../src/core/models/modernbert/index.ts';
import type { MaskedLmModel } from '../../../../src/core/models/types.ts';
import { selectBackend } from '../../../../src/core/tensor/backend.ts';
import { ensureGradients } from '../../../../src/core/tensor/gradients.ts';
import { randomModernBertWeights, seededRandom, tinyModernBertConfig, variantModernBertConfig } from '../../../helpers/modernbert-checkpoint.ts';
import { expectAllClose, maxAbsDiff } from './compare.ts';
import { referenceMlmForward } from './reference-forward.ts';

/*
 * ModernBERT's packed path (packedHeadHidden: padding dropped, RoPE at each token's own position, attention
 * per sequence inside the sliding window on local layers) against the independent float64 reference, which
 * runs each sequence alone, and its gradients against the padded path's.
 */

const PAD = 0;

function randomIds(lengths: number[], vocab: number, seed: number): number[][] {
  const rand = seededRandom(seed);
  return lengths.map((n) => Array.from({ length: n }, () => 1 + Math.floor(rand() * (vocab - 1))));
}

function paddedTensors(seqs: number[][]): { ids: tf.Tensor2D; mask: tf.Tensor2D; seq: number } {
  const seq = Math.max(...seqs.map((s) => s.length));
  const ids = tf.tensor2d(seqs.map((s) => [...s, ...Array<number>(seq - s.length).fill(PAD)]), undefined, 'int32');
  const mask = tf.tensor2d(seqs.map((s) => Array.from({ length: seq }, (_, i) => (i < s.length ? 1 : 0))), undefined, 'int32');
  return { ids, mask, seq };
}

/** Packed rows per sequence, as number arrays. */
function packedRows(model: MaskedLmModel, seqs: number[][]): number[][] {
  const { ids, mask } = paddedTensors(seqs);
  const { rows, layout } = model.packedHeadHidden!(ids, mask);
  const data = rows.arraySync();
  tf.dispose([ids, mask, rows]);
  return seqs.map((_, b) => data.slice(layout.offsets[b]!, layout.offsets[b]! + layout.lengths[b]!).flat());
}

function checkAgainstReference(cfg: Record<string, unknown>, seed: number, lengths: number[], label: string): void {
  const weights = randomModernBertWeights(cfg, seed);
  const model = buildModernBert(cfg, weights, 'tiny');
  try {
    const seqs = randomIds(lengths, cfg.vocab_size as number, seed + 100);
    packedRows(model, seqs).forEach((got, b) => {
      const ref = referenceMlmForward(cfg, weights, seqs[b]!).headHidden.flatMap((r) => [...r]);
      expectAllClose(got, ref, `${label} sequence ${b} (length ${seqs[b]!.length})`);
    });
  } finally {
    model.dispose();
  }
}

describe('ModernBERT packed path', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    ensureGradients();
  });

  it('matches the float64 reference on a padded batch of mixed lengths, longer and shorter than the window', () => {
    // local_attention 4 (±2 positions): lengths 11 and 7 reach well past the window, 2 and 1 stay inside it.
    checkAgainstReference(tinyModernBertConfig(), 51, [11, 7, 2, 9, 1], 'tiny');
  });

  it('matches with biases, other activations, an odd window, rope_parameters and an untied decoder', () => {
    const cfg = variantModernBertConfig();
    checkAgainstReference(cfg, 52, [12, 4, 8], 'variant');
  });

  it('equals the padded path at every real token and does not depend on batch companions', () => {
    const cfg = tinyModernBertConfig();
    const model = buildModernBert(cfg, randomModernBertWeights(cfg, 53), 'tiny');
    try {
      const seqs = randomIds([13, 5, 9], 100, 7);
      const { ids, mask } = paddedTensors(seqs);
      const padded = model.headHidden(ids, mask);
      const paddedRows = padded.arraySync();
      tf.dispose([ids, mask, padded]);
      const packed = packedRows(model, seqs);
      seqs.forEach((s, b) => expect(maxAbsDiff(packed[b]!, paddedRows[b]!.slice(0, s.length).flat())).toBeLessThan(1e-5));
      const alone = packedRows(model, [seqs[1]!])[0]!;
      expect(maxAbsDiff(alone, packed[1]!)).toBeLessThan(1e-5);
    } finally {
      model.dispose();
    }
  });

  it('gives the padded path’s gradients for every variable', () => {
    const cfg = tinyModernBertConfig({ attention_bias: true, norm_bias: true });
    const model = buildModernBert(cfg, randomModernBertWeights(cfg, 54), 'tiny');
    const seqs = randomIds([11, 4, 8], 100, 8);
    const { ids, mask, seq } = paddedTensors(seqs);
    const hidden = cfg.hidden_size as number;
    // A fixed random projection of the head output at real tokens (zero at padding).
    const rand = seededRandom(9);
    const probe = seqs.map((s) => Array.from({ length: seq }, (_, t) => Array.from({ length: hidden }, () => (t < s.length ? 2 * rand() - 1 : 0))));
    const probePadded = tf.tensor3d(probe);
    const probePacked = tf.tensor2d(seqs.flatMap((s, b) => probe[b]!.slice(0, s.length)));
    const vars = [...model.variables.values()];
    try {
      const padded = tf.variableGrads(() => tf.sum(tf.mul(model.headHidden(ids, mask, true), probePadded)) as tf.Scalar, vars);
      const packed = tf.variableGrads(() => tf.sum(tf.mul(model.packedHeadHidden!(ids, mask, true).rows, probePacked)) as tf.Scalar, vars);
      expect(Math.abs(packed.value.dataSync()[0]! - padded.value.dataSync()[0]!)).toBeLessThan(1e-4);
      let checked = 0;
      for (const [name, v] of model.variables) {
        const want = padded.grads[v.name];
        const got = packed.grads[v.name];
        if (!want) continue;
        expect(got, name).toBeDefined();
        expectAllClose(got!.dataSync(), want.dataSync(), `d ${name}`, 1e-5, 1e-3);
        checked++;
      }
      // Every variable but the decoder bias (not used by the head's hidden states) gets a gradient.
      expect(checked).toBeGreaterThanOrEqual(model.variables.size - 1);
      tf.dispose([padded.value, packed.value, ...Object.values(padded.grads), ...Object.values(packed.grads)]);
    } finally {
      tf.dispose([ids, mask, probePadded, probePacked]);
      model.dispose();
    }
  });
});

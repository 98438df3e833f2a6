import * as tf from '@tensorflow/tfjs-core';
// Gradients are registered by whoever trains; tfjs-core alone does not.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModernBert } from '../../../../src/core/models/modernbert/index.ts';
import type { WeightMap } from '../../../../src/core/models/types.ts';
import { selectBackend } from '../../../../src/core/tensor/backend.ts';
import { randomModernBertWeights, seededRandom, tinyModernBertConfig } from '../../../helpers/modernbert-checkpoint.ts';
import { referenceMlmForward } from './reference-forward.ts';

const SEQS = [
  [7, 12, 55, 3, 90, 41, 8, 23],
  [15, 2, 66, 71, 9],
];
const SEQ = 8;
const PAD = 0;

/** A fixed projection of the head output; zero at padding positions unless `padWeights`. */
function projection(hidden: number, padWeights: boolean): number[][][] {
  const rand = seededRandom(77);
  return SEQS.map((s) =>
    Array.from({ length: SEQ }, (_, t) => Array.from({ length: hidden }, () => (t < s.length || padWeights ? 2 * rand() - 1 : 0))),
  );
}

/** loss = Σ R ⊙ headHidden over real tokens, in float64 through the reference. */
function referenceLoss(cfg: Record<string, unknown>, weights: WeightMap, r: number[][][]): number {
  let loss = 0;
  SEQS.forEach((s, b) => {
    referenceMlmForward(cfg, weights, s).headHidden.forEach((row, t) => row.forEach((v, h) => (loss += r[b][t][h] * v)));
  });
  return loss;
}

/** HF-layout [name, flat index] → the model's gradient entry (linear weights are held as [in, out]). */
function gradAt(grads: tf.NamedTensorMap, varName: string, hfShape: number[], index: number, transposed: boolean): number {
  const data = grads[varName].dataSync();
  if (!transposed) return data[index];
  const [out, inp] = hfShape;
  const o = Math.floor(index / inp);
  const i = index % inp;
  return data[i * out + o];
}

describe('ModernBERT gradients (wasm) vs finite differences of the float64 reference', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('matches central differences for embeddings, norms, fused qkv, gated MLP and head entries', () => {
    const cfg = tinyModernBertConfig();
    const weights = randomModernBertWeights(cfg, 41);
    const model = buildModernBert(cfg, weights, 'tiny');
    const r = projection(32, false);
    const ids = tf.tensor2d(SEQS.map((s) => [...s, ...Array<number>(SEQ - s.length).fill(PAD)]), undefined, 'int32');
    const mask = tf.tensor2d(SEQS.map((s) => Array.from({ length: SEQ }, (_, t) => (t < s.length ? 1 : 0))), undefined, 'int32');
    const rT = tf.tensor3d(r);
    try {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.headHidden(ids, mask, true), rT)) as tf.Scalar);
      expect(value.dataSync()[0]).toBeCloseTo(referenceLoss(cfg, weights, r), 4);

      const probes: [string, number, boolean][] = [
        ['model.embeddings.tok_embeddings.weight', 55 * 32 + 4, false],
        ['model.embeddings.tok_embeddings.weight', 9 * 32 + 31, false],
        ['model.embeddings.norm.weight', 3, false],
        ['model.layers.0.attn.Wqkv.weight', 5 * 32 + 7, true], // q
        ['model.layers.1.attn.Wqkv.weight', 40 * 32 + 1, true], // k
        ['model.layers.2.attn.Wqkv.weight', 80 * 32 + 30, true], // v
        ['model.layers.1.attn.Wo.weight', 17 * 32 + 2, true],
        ['model.layers.2.attn_norm.weight', 11, false],
        ['model.layers.3.mlp_norm.weight', 20, false],
        ['model.layers.1.mlp.Wi.weight', 10 * 32 + 3, true], // input half
        ['model.layers.1.mlp.Wi.weight', 60 * 32 + 3, true], // gate half
        ['model.layers.3.mlp.Wo.weight', 6 * 48 + 47, true],
        ['model.final_norm.weight', 0, false],
        ['head.dense.weight', 31 * 32 + 16, true],
        ['head.norm.weight', 9, false],
      ];
      for (const [name, index, transposed] of probes) {
        const raw = weights.get(name)!;
        const original = raw.data[index];
        const h = 1e-3;
        raw.data[index] = original + h;
        const up = referenceLoss(cfg, weights, r);
        raw.data[index] = original - h;
        const down = referenceLoss(cfg, weights, r);
        raw.data[index] = original;
        // float32 weights perturbed in float32: use the step actually taken
        const step = Math.fround(original + h) - Math.fround(original - h);
        const numeric = (up - down) / step;
        const analytic = gradAt(grads, model.variables.get(name)!.name, raw.shape, index, transposed);
        expect(Math.abs(analytic - numeric), `${name}[${index}]: ${analytic} vs ${numeric}`).toBeLessThan(2e-4 + 2e-3 * Math.abs(numeric));
      }
      tf.dispose([value, ...Object.values(grads)]);
    } finally {
      tf.dispose([ids, mask, rT]);
      model.dispose();
    }
  });

  it('gives the padding embedding row no gradient from the lookup (torch padding_idx)', () => {
    const cfg = tinyModernBertConfig();
    const model = buildModernBert(cfg, randomModernBertWeights(cfg, 42), 'tiny');
    const ids = tf.tensor2d(SEQS.map((s) => [...s, ...Array<number>(SEQ - s.length).fill(PAD)]), undefined, 'int32');
    const mask = tf.tensor2d(SEQS.map((s) => Array.from({ length: SEQ }, (_, t) => (t < s.length ? 1 : 0))), undefined, 'int32');
    const rT = tf.tensor3d(projection(32, true));
    try {
      const emb = model.variables.get('model.embeddings.tok_embeddings.weight')!;
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.headHidden(ids, mask), rT)) as tf.Scalar, [emb]);
      const g = grads[emb.name].arraySync() as number[][];
      expect(g[PAD].every((v) => v === 0)).toBe(true);
      // 9 appears once, 1 never.
      expect(g[9].some((v) => v !== 0)).toBe(true);
      expect(g[1].every((v) => v === 0)).toBe(true);
      tf.dispose([value, ...Object.values(grads)]);
    } finally {
      tf.dispose([ids, mask, rT]);
      model.dispose();
    }
  });
});

import * as tf from '@tensorflow/tfjs-core';
// Gradients are registered by whoever trains; tfjs-core alone does not.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMaskedLm } from '../../../src/core/models/load.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { referenceBert } from '../../helpers/reference-mlm.ts';
import { writeTinyBert } from '../../helpers/tiny-checkpoint.ts';

const SEQS = [
  [101, 1996, 2250, 2001, 7718, 1999, 1037, 102],
  [101, 4875, 3446, 102],
];
const SEQ = 8;

function padded(): { ids: number[][]; mask: number[][] } {
  return {
    ids: SEQS.map((s) => [...s, ...Array<number>(SEQ - s.length).fill(0)]),
    mask: SEQS.map((s) => Array.from({ length: SEQ }, (_, t) => (t < s.length ? 1 : 0))),
  };
}

/** A fixed projection of the head output at the real tokens (mulberry32, independent of the model code). */
function projection(hidden: number): number[][][] {
  let a = 12345;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return SEQS.map((s) => Array.from({ length: SEQ }, (_, t) => Array.from({ length: hidden }, () => (t < s.length ? 2 * rand() - 1 : 0))));
}

describe('BERT gradients (wasm) vs finite differences of the float64 reference', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  // Attention (query, key), position embeddings and every other kind of parameter: a model whose attention or
  // position gradients were wrong could still fit the unigram distribution but never learn to use context.
  it('matches central differences for embeddings, attention, MLP, norms and head entries', () => {
    const tiny = writeTinyBert({ seed: 9, config: { hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 } });
    const { config, weights } = tiny;
    const hidden = config.hidden_size as number;
    const model = loadMaskedLm(tiny.dir);
    const r = projection(hidden);
    const { ids, mask } = padded();
    const reference = (): number => {
      const out = referenceBert(config, weights, ids, mask);
      let loss = 0;
      out.headHidden.forEach((seq, b) => seq.forEach((row, t) => row.forEach((v, h) => (loss += r[b]![t]![h]! * v))));
      return loss;
    };
    const idsT = tf.tensor2d(ids, undefined, 'int32');
    const maskT = tf.tensor2d(mask, undefined, 'int32');
    const rT = tf.tensor3d(r);
    try {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.headHidden(idsT, maskT, true), rT)) as tf.Scalar);
      expect(value.dataSync()[0]).toBeCloseTo(reference(), 4);
      const probes: [string, number][] = [
        ['bert.embeddings.word_embeddings.weight', 2250 * hidden + 3],
        ['bert.embeddings.position_embeddings.weight', 2 * hidden + 5],
        ['bert.embeddings.position_embeddings.weight', 6 * hidden + 0],
        ['bert.embeddings.LayerNorm.weight', 7],
        ['bert.encoder.layer.0.attention.self.query.weight', 3 * hidden + 9],
        ['bert.encoder.layer.1.attention.self.query.weight', 12 * hidden + 1],
        ['bert.encoder.layer.0.attention.self.key.weight', 5 * hidden + 2],
        ['bert.encoder.layer.1.attention.self.query.bias', 4],
        ['bert.encoder.layer.0.attention.self.value.weight', 8 * hidden + 8],
        ['bert.encoder.layer.1.attention.output.dense.weight', 1 * hidden + 15],
        ['bert.encoder.layer.0.attention.output.LayerNorm.weight', 2],
        ['bert.encoder.layer.1.intermediate.dense.weight', 20 * hidden + 4],
        ['bert.encoder.layer.0.output.dense.weight', 3 * 32 + 30],
        ['cls.predictions.transform.dense.weight', 10 * hidden + 11],
        ['cls.predictions.transform.LayerNorm.bias', 6],
      ];
      for (const [name, index] of probes) {
        const raw = weights.get(name)!;
        const original = raw.data[index]!;
        const h = 1e-3;
        raw.data[index] = original + h;
        const up = reference();
        raw.data[index] = original - h;
        const down = reference();
        raw.data[index] = original;
        const numeric = (up - down) / (Math.fround(original + h) - Math.fround(original - h));
        const variable = model.variables.get(name)!;
        const data = grads[variable.name]!.dataSync();
        // Linear weights may be held as [in, out] (the HF layout is [out, in]); square ones too, so compare values.
        const held = variable.dataSync();
        const sameLayout = held.every((v, i) => v === raw.data[i]);
        const [out, inp] = raw.shape as [number, number];
        const analytic = sameLayout ? data[index]! : data[(index % inp) * out + Math.floor(index / inp)]!;
        expect(Math.abs(analytic - numeric), `${name}[${index}]: ${analytic} vs ${numeric}`).toBeLessThan(2e-4 + 2e-3 * Math.abs(numeric));
        expect(Math.abs(numeric), `${name}[${index}] has a gradient to check`).toBeGreaterThan(1e-6);
      }
      tf.dispose([value, ...Object.values(grads)]);
    } finally {
      tf.dispose([idsT, maskT, rT]);
      model.dispose();
    }
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { bertConfig, randomBertWeights, type BertShape } from '../../../src/core/bench/random-bert.ts';
import { resolveArchitecture } from '../../../src/core/models/registry.ts';
import type { MaskedLmModel, WeightMap } from '../../../src/core/models/types.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { ensureGradients } from '../../../src/core/tensor/gradients.ts';
import { unpackRows } from '../../../src/core/tensor/packed.ts';
import { gelu, layerNorm, linear, softmax } from '../../helpers/float64.ts';

/*
 * BertForMaskedLM from its definition (Devlin et al.; transformers' modeling_bert), in float64 on the
 * Hugging Face weights: embeddings word + position + token type 0 → LayerNorm; per layer self-attention over
 * non-padding keys → dense → LayerNorm(· + x) → GELU FFN → LayerNorm(· + ·); MLM transform dense → GELU →
 * LayerNorm. Returns the transform's output at every real token.
 */
function referenceHeadHidden(w: WeightMap, s: BertShape, ids: number[][], mask: number[][]): (number[] | null)[][] {
  const g = (name: string): Float32Array => w.get(name)!.data;
  const H = s.hidden;
  const d = H / s.heads;
  const eps = 1e-12;
  return ids.map((row, b) => {
    const real = row.map((_, t) => mask[b]![t] !== 0);
    let x = row.map((id, t) => {
      const e = Array.from({ length: H }, (_, k) =>
        g('bert.embeddings.word_embeddings.weight')[id * H + k]! +
        g('bert.embeddings.position_embeddings.weight')[t * H + k]! +
        g('bert.embeddings.token_type_embeddings.weight')[k]!,
      );
      return layerNorm(e, g('bert.embeddings.LayerNorm.weight'), g('bert.embeddings.LayerNorm.bias'), eps);
    });
    for (let l = 0; l < s.layers; l++) {
      const p = `bert.encoder.layer.${l}`;
      const proj = (n: string): number[][] => x.map((v) => linear(v, g(`${p}.attention.self.${n}.weight`), g(`${p}.attention.self.${n}.bias`), H));
      const [q, k, v] = [proj('query'), proj('key'), proj('value')];
      const ctx = x.map((_, t) => {
        const out = new Array<number>(H).fill(0);
        for (let h = 0; h < s.heads; h++) {
          const keys = row.map((__, u) => u).filter((u) => real[u]);
          const scores = keys.map((u) => {
            let dot = 0;
            for (let j = 0; j < d; j++) dot += q[t]![h * d + j]! * k[u]![h * d + j]!;
            return dot / Math.sqrt(d);
          });
          const probs = softmax(scores);
          keys.forEach((u, i) => {
            for (let j = 0; j < d; j++) out[h * d + j]! += probs[i]! * v[u]![h * d + j]!;
          });
        }
        return out;
      });
      const attn = x.map((xi, t) => {
        const o = linear(ctx[t]!, g(`${p}.attention.output.dense.weight`), g(`${p}.attention.output.dense.bias`), H);
        return layerNorm(o.map((y, j) => y + xi[j]!), g(`${p}.attention.output.LayerNorm.weight`), g(`${p}.attention.output.LayerNorm.bias`), eps);
      });
      x = attn.map((a) => {
        const inner = linear(a, g(`${p}.intermediate.dense.weight`), g(`${p}.intermediate.dense.bias`), s.ffn).map(gelu);
        const o = linear(inner, g(`${p}.output.dense.weight`), g(`${p}.output.dense.bias`), H);
        return layerNorm(o.map((y, j) => y + a[j]!), g(`${p}.output.LayerNorm.weight`), g(`${p}.output.LayerNorm.bias`), eps);
      });
    }
    return x.map((xi, t) => {
      if (!real[t]) return null;
      const hdn = linear(xi, g('cls.predictions.transform.dense.weight'), g('cls.predictions.transform.dense.bias'), H).map(gelu);
      return layerNorm(hdn, g('cls.predictions.transform.LayerNorm.weight'), g('cls.predictions.transform.LayerNorm.bias'), eps);
    });
  });
}

function build(shape: BertShape, weights: WeightMap): MaskedLmModel {
  const config = bertConfig(shape);
  return resolveArchitecture(config, 'test').build(config, weights, 'test');
}

describe('BertForMaskedLM packed path (packedHeadHidden)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    ensureGradients();
  });

  const shape: BertShape = { layers: 2, hidden: 8, heads: 2, ffn: 12, vocab: 30, maxPositions: 16 };
  // Row 0 full, row 1 right-padded, row 2 a single token.
  const ids = [
    [5, 9, 2, 17, 3, 8],
    [4, 4, 11, 0, 0, 0],
    [29, 0, 0, 0, 0, 0],
  ];
  const mask = ids.map((r, b) => r.map((id, t) => (b === 0 || id !== 0 || t === 0 ? 1 : 0)));
  const idsT = (): tf.Tensor2D => tf.tensor2d(ids.flat(), [3, 6], 'int32');
  const maskT = (): tf.Tensor2D => tf.tensor2d(mask.flat(), [3, 6], 'int32');

  it('matches a float64 BertForMaskedLM from its definition at every real token', () => {
    // Weights far from the tiny init scale, so attention and GELU are far from linear.
    const weights = randomBertWeights(shape, 3, 0.5);
    const ref = referenceHeadHidden(weights, shape, ids, mask);
    const model = build(shape, weights);
    const out = tf.tidy(() => {
      const { rows, layout } = model.packedHeadHidden!(idsT(), maskT());
      return tf.reshape(unpackRows(rows, layout), [3, 6, shape.hidden]).arraySync() as number[][][];
    });
    let worst = 0;
    ref.forEach((row, b) =>
      row.forEach((tok, t) => {
        if (tok === null) expect(out[b]![t]!.every((x) => x === 0)).toBe(true);
        else tok.forEach((x, k) => (worst = Math.max(worst, Math.abs(x - out[b]![t]![k]!))));
      }),
    );
    expect(worst).toBeLessThan(2e-5);
    // Not degenerate: different tokens get different states.
    expect(Math.abs(out[0]![0]![0]! - out[0]![1]![0]!)).toBeGreaterThan(1e-2);
    model.dispose();
  });

  it('gives the gradients of the padded path (autograd through headHidden) at real tokens', () => {
    const model = build(shape, randomBertWeights(shape, 4, 0.5));
    const vars = [...model.variables.values()];
    const realRows = tf.tensor2d(mask.flat(), [18, 1]);
    const probe = tf.randomNormal([18, shape.hidden], 0, 1, 'float32', 5);
    const packed = tf.variableGrads(() =>
      tf.tidy(() => {
        const { rows, layout } = model.packedHeadHidden!(idsT(), maskT(), true);
        return tf.sum(tf.mul(unpackRows(rows, layout), probe)) as tf.Scalar;
      }),
      vars,
    );
    const padded = tf.variableGrads(
      () => tf.sum(tf.mul(tf.mul(tf.reshape(model.headHidden(idsT(), maskT(), true), [18, shape.hidden]), realRows), probe)) as tf.Scalar,
      vars,
    );
    expect(packed.value.dataSync()[0]).toBeCloseTo(padded.value.dataSync()[0]!, 4);
    for (const [name, g] of Object.entries(padded.grads)) {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(g, packed.grads[name]!))).dataSync()[0]!);
      const scale = tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!);
      expect(diff, name).toBeLessThanOrEqual(1e-5 + 1e-4 * scale);
    }
    model.dispose();
  });
});

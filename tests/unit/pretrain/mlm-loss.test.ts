import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { buildModernBert } from '../../../src/core/models/modernbert/index.ts';
import type { MaskedLmModel } from '../../../src/core/models/types.ts';
import { MlmMasker, type MaskedBatch } from '../../../src/core/pretrain/masking.ts';
import { correctCount, crossEntropyAtLabels, maskedPositionLogits } from '../../../src/core/pretrain/mlm-loss.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { ensureGradients } from '../../../src/core/tensor/gradients.ts';
import { Rng } from '../../../src/core/train/rng.ts';
import { randomModernBertWeights, tinyModernBertConfig } from '../../helpers/modernbert-checkpoint.ts';

const VOCAB = 40;
const HIDDEN = 32;

function batchOf(rng: Rng): MaskedBatch {
  // 3 rows of up to 9 tokens, right-padded; 0 is padding, 1/2 play [CLS]/[SEP], 3 is [MASK].
  const lengths = [9, 6, 4];
  const cols = 9;
  const inputIds = new Int32Array(3 * cols);
  const attentionMask = new Int32Array(3 * cols);
  lengths.forEach((len, r) => {
    for (let c = 0; c < len; c++) {
      inputIds[r * cols + c] = c === 0 ? 1 : c === len - 1 ? 2 : 4 + rng.int(VOCAB - 4);
      attentionMask[r * cols + c] = 1;
    }
  });
  const masker = new MlmMasker({ maskProb: 0.4, maskTokenId: 3, vocabSize: VOCAB, specialIds: new Set([0, 1, 2, 3]) });
  return masker.mask({ rows: 3, cols, inputIds, attentionMask }, rng);
}

/**
 * Independent reference in float64: the full [B, T, V] logits from the model's head hidden states and the
 * decoder, softmax cross-entropy at the labelled positions (as torch's CrossEntropyLoss with −100 elsewhere),
 * and its gradients dL/dW = Σ_m (softmax_m − onehot_m) ⊗ h_m / M, dL/db = Σ_m (softmax_m − onehot_m) / M.
 */
function reference(hidden: Float32Array, w: Float32Array, b: Float32Array, batch: MaskedBatch) {
  const n = batch.rows * batch.cols;
  const labelAt = new Map<number, number>();
  batch.positions.forEach((p, k) => labelAt.set(p, batch.labels[k]!));
  const m = batch.positions.length;
  let loss = 0;
  let correct = 0;
  const gw = new Float64Array(VOCAB * HIDDEN);
  const gb = new Float64Array(VOCAB);
  for (let i = 0; i < n; i++) {
    const logits = new Float64Array(VOCAB);
    for (let v = 0; v < VOCAB; v++) {
      let s = b[v]!;
      for (let h = 0; h < HIDDEN; h++) s += hidden[i * HIDDEN + h]! * w[v * HIDDEN + h]!;
      logits[v] = s;
    }
    const label = labelAt.get(i);
    if (label === undefined) continue;
    const max = Math.max(...logits);
    let z = 0;
    for (const x of logits) z += Math.exp(x - max);
    loss += max + Math.log(z) - logits[label]!;
    let best = 0;
    for (let v = 1; v < VOCAB; v++) if (logits[v]! > logits[best]!) best = v;
    if (best === label) correct++;
    for (let v = 0; v < VOCAB; v++) {
      const g = (Math.exp(logits[v]! - max) / z - (v === label ? 1 : 0)) / m;
      gb[v] += g;
      for (let h = 0; h < HIDDEN; h++) gw[v * HIDDEN + h] += g * hidden[i * HIDDEN + h]!;
    }
  }
  return { loss: loss / m, correct, gw, gb };
}

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
  }
  return err / scale;
}

describe('sparse MLM loss', () => {
  const models: MaskedLmModel[] = [];
  beforeAll(async () => {
    await selectBackend('wasm');
    ensureGradients();
  });
  afterAll(() => models.forEach((m) => m.dispose()));

  for (const tied of [true, false]) {
    it(`matches full-logits float64 cross-entropy and its decoder gradients (${tied ? 'tied' : 'untied'} decoder)`, () => {
      const cfg = tinyModernBertConfig({ vocab_size: VOCAB, hidden_size: HIDDEN, num_hidden_layers: 2, tie_word_embeddings: tied });
      const model = buildModernBert(cfg, randomModernBertWeights(cfg, tied ? 5 : 6), 'tiny');
      models.push(model);
      const batch = batchOf(new Rng(tied ? 17 : 18));
      expect(batch.positions.length).toBeGreaterThan(3);

      const hiddenT = tf.tidy(() =>
        model.headHidden(tf.tensor2d(batch.inputIds, [batch.rows, batch.cols], 'int32'), tf.tensor2d(batch.attentionMask, [batch.rows, batch.cols], 'int32')),
      );
      const hidden = hiddenT.dataSync() as Float32Array;
      hiddenT.dispose();
      const w = model.decoderWeight.dataSync() as Float32Array;
      const b = model.decoderBias.dataSync() as Float32Array;
      expect(model.decoderWeight.shape).toEqual([VOCAB, HIDDEN]);
      const ref = reference(hidden, w, b, batch);

      const logits = maskedPositionLogits(model, batch, false);
      expect(logits.shape).toEqual([batch.positions.length, VOCAB]);
      const loss = crossEntropyAtLabels(logits, batch.labels);
      expect(Math.abs(loss.dataSync()[0]! - ref.loss) / ref.loss).toBeLessThan(1e-5);
      expect(correctCount(logits, batch.labels)).toBe(ref.correct);
      tf.dispose([logits, loss]);

      const params = tied ? [model.decoderBias] : [model.decoderBias, model.decoderWeight];
      const { value, grads } = tf.variableGrads(() => crossEntropyAtLabels(maskedPositionLogits(model, batch, false), batch.labels), params);
      expect(Math.abs(value.dataSync()[0]! - ref.loss) / ref.loss).toBeLessThan(1e-5);
      expect(maxRelErr(grads[model.decoderBias.name]!.dataSync(), ref.gb)).toBeLessThan(1e-5);
      if (!tied) expect(maxRelErr(grads[model.decoderWeight.name]!.dataSync(), ref.gw)).toBeLessThan(1e-5);
      tf.dispose([value, ...Object.values(grads)]);
    });
  }
});

import * as tf from '@tensorflow/tfjs-core';
import type { MaskedLmModel } from '../models/types.ts';
import { gatherRows } from '../tensor/embedding-grad.ts';
import { matMul2d } from '../tensor/matmul.ts';
import type { MaskedBatch } from './masking.ts';

/*
 * The MLM loss evaluated only where it is defined: the chosen positions' head hidden states are gathered
 * into [M, H] and projected onto the vocabulary there, so the largest tensor is [M, V] (M ≈ p · tokens)
 * instead of [B, T, V]. Same value as Hugging Face's mean cross-entropy over labels ≠ −100.
 */

/** Logits [M, V] at the batch's chosen positions: gather(headHidden) · decoderWeightᵀ + decoderBias. */
export function maskedPositionLogits(model: MaskedLmModel, batch: MaskedBatch, training: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const shape: [number, number] = [batch.rows, batch.cols];
    const ids = tf.tensor2d(batch.inputIds, shape, 'int32');
    const mask = tf.tensor2d(batch.attentionMask, shape, 'int32');
    const hidden = model.headHidden(ids, mask, training);
    const width = hidden.shape[2];
    const flat = tf.reshape(hidden, [batch.rows * batch.cols, width]) as tf.Tensor2D;
    const positions = tf.tensor1d(batch.positions, 'int32');
    const picked = gatherRows(flat, positions) as tf.Tensor2D;
    const logits = matMul2d(picked, model.decoderWeight as tf.Tensor2D, false, true);
    return tf.add(logits, model.decoderBias) as tf.Tensor2D;
  });
}

/**
 * Mean over rows of −log softmax(logits)[row, label]: logits [M, V], labels M ids. Forward
 * logsumexp(row) − logits[row, label]; the gradient is written out, (softmax − onehot(label)) / M, which
 * takes one exp over [M, V] where autograd through logSoftmax takes two plus extra reductions.
 */
export function crossEntropyAtLabels(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  const [m, v] = logits.shape;
  if (labels.length !== m) throw new Error(`${labels.length} labels for ${m} logit rows`);
  const flatIndex = new Int32Array(m);
  const rowLabel = new Int32Array(2 * m);
  for (let i = 0; i < m; i++) {
    flatIndex[i] = i * v + labels[i]!;
    rowLabel[2 * i] = i;
    rowLabel[2 * i + 1] = labels[i]!;
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const lse = tf.logSumExp(x, 1, true);
    const picked = tf.gather(tf.reshape(x, [m * v]), tf.tensor1d(flatIndex, 'int32'));
    save([x, lse]);
    return {
      value: tf.mean(tf.sub(tf.reshape(lse, [m]), picked)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [sx, slse] = saved as [tf.Tensor2D, tf.Tensor2D];
          const softmax = tf.exp(tf.sub(sx, slse));
          // Not tf.oneHot: with a float32 dtype the wasm backend returns zeros (tfjs 4.22).
          const onehot = tf.scatterND(tf.tensor2d(rowLabel, [m, 2], 'int32'), tf.ones([m]), [m, v]);
          return tf.mul(tf.sub(softmax, onehot), tf.div(dy, m));
        }),
    };
  });
  return op(logits) as tf.Scalar;
}

/** How many rows of `logits` have their maximum at the label (ties resolved to the first index, as argmax). */
export function correctCount(logits: tf.Tensor2D, labels: Int32Array): number {
  const argmax = tf.tidy(() => tf.argMax(logits, 1));
  const best = argmax.dataSync();
  argmax.dispose();
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (best[i] === labels[i]) correct++;
  return correct;
}

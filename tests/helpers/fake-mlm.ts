import * as tf from '@tensorflow/tfjs-core';
import type { MaskedLmModel, MlmModelInfo, WeightMap } from '../../src/core/models/types.ts';
import { gatherRows } from '../../src/core/tensor/embedding-grad.ts';
import { linear } from '../../src/core/tensor/matmul.ts';
import { Rng } from '../../src/core/train/rng.ts';

/**
 * A tiny masked-LM stand-in for training tests: word embedding → dense → tanh → LayerNorm → decoder.
 * Each token's hidden state depends on that token only (a bag of words), which is enough for SPLADE
 * pooling, losses and optimizer tests without the real engine. Weights are drawn from a seeded Rng.
 */
let instances = 0;

export class FakeMlm implements MaskedLmModel {
  readonly info: MlmModelInfo;
  readonly variables = new Map<string, tf.Variable>();

  constructor(vocab: number, hidden: number, seed: number, scale = 0.3) {
    this.info = {
      architecture: 'FakeForMaskedLM',
      vocabSize: vocab,
      hiddenSize: hidden,
      numLayers: 0,
      maxPositions: 512,
      padTokenId: 0,
      tied: false,
      rescaleK: 1,
    };
    const rng = new Rng(seed);
    const normal = (shape: number[], std: number): tf.Tensor => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = rng.normal() * std;
      return tf.tensor(data, shape);
    };
    const add = (name: string, value: tf.Tensor): void => {
      this.variables.set(name, tf.variable(value, true, `fake${++instances}/${name}`));
      value.dispose();
    };
    add('embeddings.word_embeddings.weight', normal([vocab, hidden], scale));
    add('transform.dense.weight', normal([hidden, hidden], scale));
    add('transform.dense.bias', tf.zeros([hidden]));
    add('transform.LayerNorm.weight', tf.ones([hidden]));
    add('transform.LayerNorm.bias', tf.zeros([hidden]));
    add('decoder.weight', normal([vocab, hidden], scale));
    add('decoder.bias', tf.zeros([vocab]));
  }

  private v(name: string): tf.Variable {
    return this.variables.get(name)!;
  }

  get decoderWeight(): tf.Variable {
    return this.v('decoder.weight');
  }

  get decoderBias(): tf.Variable {
    return this.v('decoder.bias');
  }

  headHidden(inputIds: tf.Tensor2D, _attentionMask: tf.Tensor2D, _training?: boolean): tf.Tensor3D {
    return tf.tidy(() => {
      const emb = gatherRows(this.v('embeddings.word_embeddings.weight') as tf.Tensor2D, inputIds);
      const x = tf.tanh(
        linear(emb, this.v('transform.dense.weight') as tf.Tensor2D, this.v('transform.dense.bias') as tf.Tensor1D),
      );
      const { mean, variance } = tf.moments(x, -1, true);
      const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-12)));
      return tf.add(tf.mul(normed, this.v('transform.LayerNorm.weight')), this.v('transform.LayerNorm.bias')) as tf.Tensor3D;
    });
  }

  rescaleHead(k: number): void {
    for (const name of ['decoder.weight', 'decoder.bias']) {
      const v = this.v(name);
      tf.tidy(() => v.assign(tf.div(v, k)));
    }
    this.info.rescaleK *= k;
  }

  exportWeights(): WeightMap {
    const out: WeightMap = new Map();
    for (const [name, v] of this.variables) {
      out.set(name, { shape: v.shape.slice(), data: Float32Array.from(v.dataSync() as Float32Array) });
    }
    return out;
  }

  exportConfig(): Record<string, unknown> {
    return { architectures: [this.info.architecture], vocab_size: this.info.vocabSize, hidden_size: this.info.hiddenSize };
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}

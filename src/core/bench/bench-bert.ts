import * as tf from '@tensorflow/tfjs-core';
import type { MaskedLmModel, MlmModelInfo, WeightMap } from '../models/types.ts';
import { gatherRows } from '../tensor/embedding-grad.ts';
import { matMul2d } from '../tensor/matmul.ts';
import { layerNorm } from '../tensor/layer-norm.ts';
import { geluExact } from '../tensor/gelu.ts';
import { packedSelfAttention } from '../tensor/attention.ts';
import { packedLayout, unpackRows } from '../tensor/packed.ts';

/*
 * A BertForMaskedLM (post-LN encoder, absolute positions, token type 0, exact GELU, MLM head transform and
 * tied decoder + bias) for the training benchmark, built from Hugging Face-named weights. It stands in until
 * the model engine's BERT is merged; `createBenchModel` is the one place that picks it.
 */

interface Dense {
  wT: tf.Variable;
  b: tf.Variable;
}
interface Norm {
  gamma: tf.Variable;
  beta: tf.Variable;
}
interface Layer {
  qkvT: tf.Variable;
  qkvB: tf.Variable;
  attnOut: Dense;
  attnNorm: Norm;
  inter: Dense;
  out: Dense;
  outNorm: Norm;
}

const num = (raw: Record<string, unknown>, key: string): number => {
  const v = raw[key];
  if (typeof v !== 'number') throw new Error(`bench BERT config lacks ${key}`);
  return v;
};

function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

let instances = 0;

export class BenchBertMaskedLm implements MaskedLmModel {
  readonly info: MlmModelInfo;
  readonly variables = new Map<string, tf.Variable>();
  private readonly hidden: number;
  private readonly heads: number;
  private readonly eps: number;
  private readonly word: tf.Variable;
  private readonly pos: tf.Variable;
  private readonly type: tf.Variable;
  private readonly embNorm: Norm;
  private readonly layers: Layer[] = [];
  private readonly headDense: Dense;
  private readonly headNorm: Norm;
  private readonly bias: tf.Variable;
  private readonly prefix = `benchbert${++instances}`;

  constructor(
    private readonly raw: Record<string, unknown>,
    weights: WeightMap,
  ) {
    const H = (this.hidden = num(raw, 'hidden_size'));
    this.heads = num(raw, 'num_attention_heads');
    this.eps = num(raw, 'layer_norm_eps');
    const vocab = num(raw, 'vocab_size');
    const take = (name: string): { shape: number[]; data: Float32Array } => {
      const t = weights.get(name);
      if (!t) throw new Error(`bench BERT weights lack ${name}`);
      return t;
    };
    const add = (name: string, shape: number[], data: Float32Array): tf.Variable => {
      const v = tf.variable(tf.tensor(data, shape), true, `${this.prefix}/${name}`);
      this.variables.set(name, v);
      return v;
    };
    const plain = (name: string): tf.Variable => {
      const t = take(name);
      return add(name, t.shape, t.data);
    };
    // Linear weights are held [in, out] so the forward product is a plain 2-D matMul.
    const dense = (p: string): Dense => {
      const w = take(`${p}.weight`);
      const [o, i] = w.shape as [number, number];
      return { wT: add(`${p}.weight`, [i, o], transposed(w.data, o, i)), b: plain(`${p}.bias`) };
    };
    const norm = (p: string): Norm => ({ gamma: plain(`${p}.weight`), beta: plain(`${p}.bias`) });
    this.word = plain('bert.embeddings.word_embeddings.weight');
    this.pos = plain('bert.embeddings.position_embeddings.weight');
    this.type = plain('bert.embeddings.token_type_embeddings.weight');
    this.embNorm = norm('bert.embeddings.LayerNorm');
    for (let i = 0; i < num(raw, 'num_hidden_layers'); i++) {
      const l = `bert.encoder.layer.${i}`;
      // Q, K and V side by side as one [H, 3H] product; exported back as three HF tensors.
      const parts = ['query', 'key', 'value'].map((n) => take(`${l}.attention.self.${n}.weight`));
      const qkvT = new Float32Array(H * 3 * H);
      parts.forEach((w, j) => {
        const t = transposed(w.data, H, H);
        for (let r = 0; r < H; r++) qkvT.set(t.subarray(r * H, (r + 1) * H), r * 3 * H + j * H);
      });
      const qkvB = new Float32Array(3 * H);
      ['query', 'key', 'value'].forEach((n, j) => qkvB.set(take(`${l}.attention.self.${n}.bias`).data, j * H));
      this.layers.push({
        qkvT: add(`${l}.attention.self.qkv.weight`, [H, 3 * H], qkvT),
        qkvB: add(`${l}.attention.self.qkv.bias`, [3 * H], qkvB),
        attnOut: dense(`${l}.attention.output.dense`),
        attnNorm: norm(`${l}.attention.output.LayerNorm`),
        inter: dense(`${l}.intermediate.dense`),
        out: dense(`${l}.output.dense`),
        outNorm: norm(`${l}.output.LayerNorm`),
      });
    }
    this.headDense = dense('cls.predictions.transform.dense');
    this.headNorm = norm('cls.predictions.transform.LayerNorm');
    this.bias = plain('cls.predictions.bias');
    this.info = {
      architecture: 'BertForMaskedLM',
      vocabSize: vocab,
      hiddenSize: H,
      numLayers: this.layers.length,
      maxPositions: num(raw, 'max_position_embeddings'),
      padTokenId: num(raw, 'pad_token_id'),
      tied: true,
      rescaleK: 1,
    };
  }

  get decoderWeight(): tf.Variable {
    return this.word;
  }

  get decoderBias(): tf.Variable {
    return this.bias;
  }

  /**
   * Real tokens only: padding is dropped before the embeddings and the layers run on the packed tokens, so
   * no work goes to padding; padding positions of the result hold 0 (every real token's state is exact).
   */
  headHidden(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D): tf.Tensor3D {
    const [batch, seq] = inputIds.shape;
    const H = this.hidden;
    const layout = packedLayout(attentionMask.dataSync(), batch, seq);
    const allIds = inputIds.dataSync();
    const ids = layout.flat.map((i) => allIds[i]!);
    return tf.tidy(() => {
      const words = gatherRows(this.word as tf.Tensor2D, tf.tensor1d(ids, 'int32')) as tf.Tensor2D;
      const positions = gatherRows(this.pos as tf.Tensor2D, tf.tensor1d(layout.columns, 'int32'));
      const typeZero = tf.slice(this.type, [0, 0], [1, H]);
      let x = this.norm(tf.add(tf.add(words, typeZero), positions), this.embNorm);
      for (const l of this.layers) {
        const qkv = tf.add(matMul2d(x, l.qkvT as tf.Tensor2D), l.qkvB) as tf.Tensor2D;
        const ctx = packedSelfAttention(qkv, layout, this.heads);
        const a = this.norm(tf.add(this.dense(ctx, l.attnOut), x), l.attnNorm);
        const inner = geluExact(this.dense(a, l.inter));
        x = this.norm(tf.add(this.dense(inner, l.out), a), l.outNorm);
      }
      const head = this.norm(geluExact(this.dense(x, this.headDense)), this.headNorm);
      return tf.reshape(unpackRows(head, layout), [batch, seq, H]) as tf.Tensor3D;
    });
  }

  rescaleHead(): void {
    throw new Error('the bench BERT does not rescale its head');
  }

  /** Hugging Face naming and layout (linear weights [out, in], Q/K/V separate; tied: no decoder weight). */
  exportWeights(): WeightMap {
    const out: WeightMap = new Map();
    const H = this.hidden;
    for (const [name, v] of this.variables) {
      const data = v.dataSync() as Float32Array;
      const fused = /^(.*)\.attention\.self\.qkv\.(weight|bias)$/.exec(name);
      if (fused) {
        ['query', 'key', 'value'].forEach((part, j) => {
          const key = `${fused[1]}.attention.self.${part}.${fused[2]}`;
          if (fused[2] === 'bias') {
            out.set(key, { shape: [H], data: data.slice(j * H, (j + 1) * H) });
          } else {
            const w = new Float32Array(H * H);
            for (let i = 0; i < H; i++) for (let o = 0; o < H; o++) w[o * H + i] = data[i * 3 * H + j * H + o]!;
            out.set(key, { shape: [H, H], data: w });
          }
        });
      } else if (v.rank === 2 && name.endsWith('.weight') && !name.includes('embeddings')) {
        const [i, o] = v.shape as [number, number];
        out.set(name, { shape: [o, i], data: transposed(data, i, o) });
      } else {
        out.set(name, { shape: [...v.shape], data: Float32Array.from(data) });
      }
    }
    return out;
  }

  exportConfig(): Record<string, unknown> {
    return { ...this.raw };
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }

  private dense(x: tf.Tensor2D, d: Dense): tf.Tensor2D {
    return tf.add(matMul2d(x, d.wT as tf.Tensor2D), d.b);
  }

  private norm(x: tf.Tensor2D, n: Norm): tf.Tensor2D {
    return layerNorm(x, n.gamma as tf.Tensor1D, n.beta as tf.Tensor1D, this.eps);
  }
}

import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { AdamW, defaultNoDecay } from '../../../src/core/train/adamw.ts';
import { GradientAccumulator } from '../../../src/core/train/grad-accumulator.ts';
import { clipByGlobalNorm, globalNorm } from '../../../src/core/train/grad-clip.ts';
import { linearWarmupDecay } from '../../../src/core/train/lr-schedule.ts';

const grads = (entries: [string, number[]][]): Map<string, tf.Tensor> =>
  new Map(entries.map(([k, v]) => [k, tf.tensor1d(v)]));

describe('AdamW', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('follows PyTorch\'s AdamW over two hand-computed steps, with no decay on biases', () => {
    // lr 0.1, weight decay 0.1, β = (0.9, 0.999), ε = 1e-8, p₀ = 1, g₁ = 0.5, g₂ = −0.25.
    // Step 1: p ← 1 − 0.1·0.1·1 = 0.99; m = 0.05, v = 0.00025; m̂ = 0.05/0.1 = 0.5, v̂ = 0.00025/0.001 = 0.25;
    //   p ← 0.99 − 0.1·0.5/(0.5 + 1e-8) = 0.890000002.
    // Step 2: p ← 0.890000002·0.99 = 0.88110000198; m = 0.045 − 0.025 = 0.02; v = 0.00024975 + 0.0000625 = 0.00031225;
    //   m̂ = 0.02/0.19 = 0.105263158, v̂ = 0.00031225/0.001999 = 0.156203102, √v̂ = 0.395225382;
    //   p ← 0.88110000198 − 0.1·0.105263158/0.395225382 = 0.854466299.
    // The bias takes the same path without the decay: 0.900000002, then 0.873366299.
    const w = tf.variable(tf.tensor1d([1]), true, 'adamw-test/dense.weight');
    const b = tf.variable(tf.tensor1d([1]), true, 'adamw-test/dense.bias');
    const params = new Map([
      ['dense.weight', w],
      ['dense.bias', b],
    ]);
    const opt = new AdamW({ weightDecay: 0.1 });
    const step = (g: number): void => {
      const gs = grads([
        ['dense.weight', [g]],
        ['dense.bias', [g]],
      ]);
      opt.apply(params, gs, 0.1);
      tf.dispose([...gs.values()]);
    };
    step(0.5);
    expect(w.dataSync()[0]).toBeCloseTo(0.890000002, 6);
    expect(b.dataSync()[0]).toBeCloseTo(0.900000002, 6);
    step(-0.25);
    expect(w.dataSync()[0]).toBeCloseTo(0.854466299, 6);
    expect(b.dataSync()[0]).toBeCloseTo(0.873366299, 6);
    expect(opt.stepOf('dense.weight')).toBe(2);
    opt.dispose();
    tf.dispose([w, b]);
  });

  it('exempts biases and normalization weights by name', () => {
    const no = [
      'bert.embeddings.LayerNorm.weight',
      'bert.encoder.layer.0.attention.output.LayerNorm.bias',
      'cls.predictions.bias',
      'cls.predictions.decoder.bias',
      'model.layers.0.attn_norm.weight',
      'model.final_norm.weight',
      'head.norm.weight',
      'distilbert.transformer.layer.0.sa_layer_norm.weight',
      'vocab_layer_norm.weight',
    ];
    const yes = [
      'bert.embeddings.word_embeddings.weight',
      'bert.encoder.layer.0.attention.self.query.weight',
      'cls.predictions.transform.dense.weight',
      'decoder.weight',
      'model.layers.0.mlp.Wi.weight',
    ];
    for (const n of no) expect(defaultNoDecay(n), n).toBe(true);
    for (const n of yes) expect(defaultNoDecay(n), n).toBe(false);
  });

  it('serializes its state to Float32Arrays + JSON so a resumed optimizer continues identically', () => {
    const run = (resumeAfter: number | null): Float32Array => {
      const p = tf.variable(tf.tensor1d([0.3, -0.7, 1.1]));
      const params = new Map([['x.weight', p]]);
      let opt = new AdamW({ weightDecay: 0.05 });
      for (let t = 0; t < 4; t++) {
        if (t === resumeAfter) {
          const saved = opt.getState();
          const json = JSON.parse(JSON.stringify(saved.json)) as typeof saved.json;
          const tensors = new Map([...saved.tensors].map(([k, v]) => [k, Float32Array.from(v)]));
          opt.dispose();
          opt = new AdamW({ weightDecay: 0.05 });
          opt.setState({ json, tensors });
        }
        const gs = grads([['x.weight', [0.1 * (t + 1), -0.2, 0.05 * t]]]);
        opt.apply(params, gs, 0.01);
        tf.dispose([...gs.values()]);
      }
      const out = Float32Array.from(p.dataSync() as Float32Array);
      opt.dispose();
      p.dispose();
      return out;
    };
    const straight = run(null);
    expect(run(2)).toEqual(straight);
    expect(Array.from(straight)).not.toEqual([0.3, -0.7, 1.1].map(Math.fround));
  });

  it('refuses a state with other hyper-parameters', () => {
    const a = new AdamW({ weightDecay: 0.01 });
    const b = new AdamW({ weightDecay: 0.02 });
    expect(() => b.setState(a.getState())).toThrow(/weightDecay/);
  });
});

describe('learning-rate schedule', () => {
  it('warms up linearly then decays linearly to 0 (Hugging Face get_linear_schedule_with_warmup)', () => {
    const lrs = [0, 1, 2, 3, 4, 5, 6, 7].map((s) => linearWarmupDecay(s, 1, 2, 6));
    expect(lrs).toEqual([0, 0.5, 1, 0.75, 0.5, 0.25, 0, 0]);
    expect(linearWarmupDecay(0, 2e-5, 0, 4)).toBe(2e-5);
  });
});

describe('gradient clipping and accumulation', () => {
  it('clips by the global norm as clip_grad_norm_ does', () => {
    // ‖(3, 4)‖ = 5; coefficient 1/(5 + 1e-6).
    const { grads: out, norm } = clipByGlobalNorm(
      grads([
        ['a', [3]],
        ['b', [4]],
      ]),
      1,
    );
    expect(norm).toBeCloseTo(5, 6);
    expect(out.get('a')!.dataSync()[0]).toBeCloseTo(3 / (5 + 1e-6), 6);
    expect(out.get('b')!.dataSync()[0]).toBeCloseTo(4 / (5 + 1e-6), 6);
    tf.dispose([...out.values()]);
    const small = grads([['a', [0.3, 0.4]]]);
    const kept = clipByGlobalNorm(small, 1);
    expect(kept.grads.get('a')).toBe(small.get('a'));
    expect(kept.norm).toBeCloseTo(0.5, 6);
    tf.dispose([...small.values()]);
  });

  it('reports a non-finite norm and leaves the gradients alone', () => {
    const g = grads([['a', [Number.NaN, 1]]]);
    const r = clipByGlobalNorm(g, 1);
    expect(Number.isNaN(r.norm)).toBe(true);
    expect(r.grads).toBe(g);
    expect(globalNorm(grads([]))).toBe(0);
    tf.dispose([...g.values()]);
  });

  it('averages micro-batch gradients and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const acc = new GradientAccumulator();
    acc.add(grads([['a', [1, 2]]]), 0.5);
    acc.add(
      grads([
        ['a', [3, 4]],
        ['b', [8]],
      ]),
      0.5,
    );
    expect(acc.size).toBe(2);
    const sum = acc.take();
    expect(Array.from(sum.get('a')!.dataSync())).toEqual([2, 3]);
    expect(Array.from(sum.get('b')!.dataSync())).toEqual([4]);
    tf.dispose([...sum.values()]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

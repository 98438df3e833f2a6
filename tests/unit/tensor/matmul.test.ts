import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { linear, matMul2d } from '../../../src/core/tensor/matmul.ts';
import { Rng } from '../../../src/core/train/rng.ts';

type M = number[][];
const T = (a: M): M => a[0]!.map((_, j) => a.map((row) => row[j]!));
const mul = (a: M, b: M): M => a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)));

function random(rng: Rng, r: number, c: number): M {
  return Array.from({ length: r }, () => Array.from({ length: c }, () => rng.normal()));
}

function expectClose(got: M, want: M, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - want[i]![j]!)).toBeLessThan(tol)));
}

/** Records the transpose flags of every BatchMatMul the backend runs. */
const seen: { transposeA: boolean; transposeB: boolean }[] = [];
let restore: (() => void) | undefined;

describe('matMul2d', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    const original = tf.getKernel('BatchMatMul', 'wasm')!;
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
        seen.push({ transposeA: attrs.transposeA, transposeB: attrs.transposeB });
        return original.kernelFunc(args);
      },
    });
    restore = () => {
      tf.unregisterKernel('BatchMatMul', 'wasm');
      tf.registerKernel(original);
    };
  });
  afterAll(() => restore?.());

  // Shapes chosen so that each arrangement (direct, or through the transposed result) gets used.
  const cases: [boolean, boolean, number, number, number][] = [
    [false, false, 3, 4, 5],
    [false, true, 6, 4, 2],
    [true, false, 2, 7, 3],
    [true, true, 5, 3, 4],
    [false, true, 2, 3, 9],
  ];

  for (const [ta, tb, m, k, n] of cases) {
    it(`op(a)·op(b) and both gradients, transposeA=${ta} transposeB=${tb}, on plain matMuls only`, () => {
      const rng = new Rng(m * 100 + k * 10 + n);
      const opA = random(rng, m, k);
      const opB = random(rng, k, n);
      const probe = random(rng, m, n);
      const a = tf.tensor2d(ta ? T(opA) : opA);
      const b = tf.tensor2d(tb ? T(opB) : opB);
      const r = tf.tensor2d(probe);
      seen.length = 0;
      const c = matMul2d(a, b, ta, tb);
      expectClose(c.arraySync(), mul(opA, opB));
      const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.mul(matMul2d(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb), r)),
      )([a, b]);
      // With L = Σ R ∘ (op(a)·op(b)): dL/d op(a) = R·op(b)ᵀ, dL/d op(b) = op(a)ᵀ·R.
      const dOpA = mul(probe, T(opB));
      const dOpB = mul(T(opA), probe);
      expectClose(da!.arraySync() as M, ta ? T(dOpA) : dOpA);
      expectClose(db!.arraySync() as M, tb ? T(dOpB) : dOpB);
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(seen.every((f) => !f.transposeA && !f.transposeB)).toBe(true);
      tf.dispose([a, b, r, c, da!, db!]);
    });
  }

  it('linear() is x·Wᵀ + b over leading dimensions', () => {
    const rng = new Rng(9);
    const x = random(rng, 6, 3);
    const w = random(rng, 4, 3);
    const bias = [0.5, -1, 2, 0];
    const xt = tf.tensor3d([x.slice(0, 3), x.slice(3)]);
    const out = linear(xt, tf.tensor2d(w), tf.tensor1d(bias));
    expect(out.shape).toEqual([2, 3, 4]);
    const want = mul(x, T(w)).map((row) => row.map((v, j) => v + bias[j]!));
    expectClose((out.arraySync() as number[][][]).flat(), want);
    tf.dispose([xt, out]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/core/tensor/backend.ts';

/** Slice by index arithmetic on the flat data. */
function referenceSlice(data: ArrayLike<number>, shape: number[], begin: number[], size: number[]): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  const walk = (dim: number, offset: number): void => {
    if (dim === shape.length) {
      out.push(data[offset]!);
      return;
    }
    for (let i = 0; i < size[dim]!; i++) walk(dim + 1, offset + (begin[dim]! + i) * strides[dim]!);
  };
  walk(0, 0);
  return out;
}

describe('wasm Slice replacement', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  const cases: { shape: number[]; begin: number[]; size: number[] }[] = [
    { shape: [10], begin: [3], size: [4] },
    { shape: [6, 5], begin: [2, 0], size: [3, 5] },
    { shape: [6, 5], begin: [1, 2], size: [4, 2] },
    { shape: [3, 4, 5], begin: [1, 1, 2], size: [2, 3, 3] },
    { shape: [2, 3, 4, 5], begin: [1, 0, 1, 1], size: [1, 3, 2, 4] },
    { shape: [2, 3, 2, 2, 3], begin: [0, 1, 0, 1, 1], size: [2, 2, 2, 1, 2] },
    { shape: [4, 4], begin: [1, 1], size: [0, 2] },
  ];

  for (const c of cases) {
    it(`slices [${c.shape}] from [${c.begin}] by [${c.size}] (float32 and int32)`, () => {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const data = Array.from({ length: n }, (_, i) => i * 3 - 7);
      for (const dtype of ['float32', 'int32'] as const) {
        const x = tf.tensor(data, c.shape, dtype);
        const y = tf.slice(x, c.begin, c.size);
        expect(y.shape).toEqual(c.size);
        expect(y.dtype).toBe(dtype);
        expect(Array.from(y.dataSync())).toEqual(referenceSlice(data, c.shape, c.begin, c.size));
        tf.dispose([x, y]);
      }
    });
  }

  it('is the kernel registered for wasm (the stock one copies the whole input)', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Slice', 'wasm')?.kernelFunc.toString()).toContain('sliceFromHeap');
  });
});

describe('wasm GatherV2 replacement', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('gathers rows by any shape of indices, repeats included, for float32 and int32', () => {
    const data = Array.from({ length: 5 * 2 * 3 }, (_, i) => i - 4.5);
    const idx = [[4, 0, 4], [2, 2, 1]];
    for (const dtype of ['float32', 'int32'] as const) {
      const vals = dtype === 'int32' ? data.map((_, i) => i * 3 - 7) : data;
      const x = tf.tensor(vals, [5, 2, 3], dtype);
      const y = tf.gather(x, tf.tensor2d(idx, [2, 3], 'int32'));
      expect(y.shape).toEqual([2, 3, 2, 3]);
      expect(Array.from(y.dataSync())).toEqual(idx.flat().flatMap((r) => vals.slice(r * 6, r * 6 + 6)));
      tf.dispose([x, y]);
    }
  });

  it('refuses an index out of range and leaves other axes to the stock kernel', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    expect(() => tf.gather(x, tf.tensor1d([3], 'int32'))).toThrow(/index value 3/);
    expect(() => tf.gather(x, tf.tensor1d([-1], 'int32'))).toThrow(/index value -1/);
    expect(Array.from(tf.gather(x, tf.tensor1d([1, 1, 0], 'int32'), 1).dataSync())).toEqual([2, 2, 1, 4, 4, 3, 6, 6, 5]);
  });
});

import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/core/tensor/backend.ts';

describe('selectBackend', () => {
  it('skips the native bindings that cannot load here with one line each, then uses wasm', async () => {
    const lines: string[] = [];
    const report = await selectBackend('auto', (l) => lines.push(l));
    // On this machine the native bindings are not built; elsewhere they may load, and that is fine too.
    expect(['tensorflow-gpu', 'tensorflow', 'wasm']).toContain(report.name);
    expect(tf.getBackend()).toBe(report.tfjsName);
    for (const s of report.skipped) expect(lines.some((l) => l.startsWith(`backend ${s.name} unavailable:`))).toBe(true);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.square(x);
    expect(Array.from(await y.data())).toEqual([1, 4, 9]);
    tf.dispose([x, y]);
  });

  it('honours an explicit choice and rejects unknown names', async () => {
    const report = await selectBackend('cpu');
    expect(report.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    await expect(selectBackend('quantum')).rejects.toThrow(/unknown backend "quantum"/);
  });
});

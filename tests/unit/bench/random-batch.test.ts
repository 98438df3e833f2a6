import { describe, expect, it } from 'vitest';
import { randomTokenBatch } from '../../../src/core/bench/random-batch.ts';
import { Rng } from '../../../src/core/train/rng.ts';

describe('randomTokenBatch', () => {
  it('pads like the anchor: first half real, then a run of tokens (p = 1/2 each) and padding to the end', () => {
    const [rows, cols, vocab] = [400, 16, 30522];
    const b = randomTokenBatch(new Rng(1), rows, cols, vocab);
    let extra = 0;
    for (let r = 0; r < rows; r++) {
      const mask = Array.from(b.attentionMask.subarray(r * cols, (r + 1) * cols));
      const len = mask.indexOf(0) === -1 ? cols : mask.indexOf(0);
      // Real tokens form a prefix of at least half the row.
      expect(mask.slice(0, len).every((m) => m === 1) && mask.slice(len).every((m) => m === 0)).toBe(true);
      expect(len).toBeGreaterThanOrEqual(cols / 2);
      extra += len - cols / 2;
      for (let c = 0; c < cols; c++) {
        const id = b.inputIds[r * cols + c]!;
        if (c < len) expect(id >= 1000 && id < vocab).toBe(true);
        else expect(id).toBe(0);
      }
    }
    // Extra tokens past the half are geometric: mean Σ_{k=1..8} 2^-k = 0.996.
    expect(extra / rows).toBeGreaterThan(0.8);
    expect(extra / rows).toBeLessThan(1.2);
  });
});

import { describe, expect, it } from 'vitest';
import { float32Json } from '../../../src/cli/output-lines.ts';

describe('float32Json', () => {
  it('prints the shortest decimal that reads back as the same float32', () => {
    expect(float32Json(Math.fround(0.1))).toBe(0.1);
    expect(float32Json(Math.fround(1 / 3))).toBe(0.33333334);
    expect(float32Json(2.5)).toBe(2.5);
    for (const v of [1.2345678e-7, 3.1415927, 0.6931472, 123456.79]) {
      const f = Math.fround(v);
      expect(Math.fround(float32Json(f))).toBe(f);
    }
  });
});

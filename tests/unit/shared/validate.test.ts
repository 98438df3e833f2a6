import { describe, expect, it } from 'vitest';
import { check, type Schema } from '../../../src/shared/validate.ts';

const schema: Schema = {
  type: 'object',
  fields: {
    name: { type: 'string', maxLength: 5 },
    k: { type: 'array', items: { type: 'number', min: 1 } },
    mode: { type: 'enum', values: ['a', 'b'], optional: true },
  },
};

describe('check', () => {
  it('accepts matching values', () => {
    expect(check(schema, { name: 'x', k: [1, 16] })).toBeNull();
  });
  it('names the first offending field', () => {
    expect(check(schema, { name: 'x', k: [1, 0] })).toBe('params.k[1] must be >= 1');
    expect(check(schema, { k: [] })).toBe('params.name is required');
    expect(check(schema, { name: 'toolong', k: [] })).toBe('params.name is too long');
    expect(check(schema, { name: 'x', k: [], mode: 'c' })).toBe('params.mode must be one of a, b');
    expect(check(schema, { name: 'x', k: [], extra: 1 })).toBe('params.extra is not expected');
    expect(check(schema, { name: 'x', k: [Number.NaN] })).toBe('params.k[0] must be a finite number');
  });
});

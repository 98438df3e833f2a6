import { describe, expect, it } from 'vitest';
import { ID_PATTERN, newId } from '../../../src/core/store/ids.ts';

/** Crockford base32 of a millisecond count, by way of BigInt's own base-32 digits (0-9a-v) remapped. */
function crockfordTime(ms: number): string {
  const standard = '0123456789abcdefghijklmnopqrstuv';
  const crockford = '0123456789abcdefghjkmnpqrstvwxyz';
  const digits = BigInt(ms).toString(32).padStart(9, '0');
  return [...digits].map((d) => crockford[standard.indexOf(d)]).join('');
}

describe('newId', () => {
  it('is 12 characters: 9 of Crockford base32 time, then 3 random', () => {
    const ms = Date.UTC(2031, 5, 7, 8, 9, 10, 123);
    const id = newId(ms);
    expect(id).toMatch(ID_PATTERN);
    expect(id.slice(0, 9)).toBe(crockfordTime(ms));
    expect(crockfordTime(32)).toBe('000000010');
  });

  it('sorts in creation order, even within one millisecond, and never repeats', () => {
    const base = Date.UTC(2032, 0, 1);
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) ids.push(newId(base + Math.floor(i / 1000)));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // A clock that steps back does not break the order.
    const after = newId(base - 10_000);
    expect(after > ids[ids.length - 1]).toBe(true);
  });
});

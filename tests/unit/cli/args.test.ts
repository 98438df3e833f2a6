import { describe, expect, it } from 'vitest';
import { Args } from '../../../src/cli/args.ts';
import { InputError } from '../../../src/core/errors.ts';

describe('Args', () => {
  it('reads --name value, --name=value, booleans and positionals', () => {
    const a = new Args(['PATH', '--k', '16', '--format=beir', '--json', 'more'], ['json']);
    expect(a.positionals).toEqual(['PATH', 'more']);
    expect(a.number('k', { integer: true })).toBe(16);
    expect(a.string('format')).toBe('beir');
    expect(a.flag('json')).toBe(true);
    expect(a.flag('absent')).toBe(false);
  });

  it('names the flag at fault', () => {
    expect(() => new Args(['--k'])).toThrow(/--k.*missing value/);
    const a = new Args(['--k', 'x', '--steps', '2.5', '--list', '1,a']);
    expect(() => a.number('k')).toThrow(InputError);
    expect(() => a.number('k')).toThrow(/field "--k": expected a number, got "x"/);
    expect(() => a.number('steps', { integer: true })).toThrow(/--steps.*integer/);
    expect(() => a.numberList('list')).toThrow(/--list/);
    expect(() => a.required('model')).toThrow(/--model.*required/);
  });

  it('parses lists and reports flags nobody read', () => {
    const a = new Args(['--k', '1,4,16', '--tpyo', 'x']);
    expect(a.numberList('k')).toEqual([1, 4, 16]);
    expect(a.unknownFlags()).toEqual(['tpyo']);
  });
});

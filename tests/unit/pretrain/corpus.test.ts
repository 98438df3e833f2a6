import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchSampler, padRows } from '../../../src/core/pretrain/batches.ts';
import { buildSequences, sequenceAt, type TokenEncoder } from '../../../src/core/pretrain/corpus.ts';
import { InputError } from '../../../src/core/errors.ts';

/** Word-level encoder: [CLS]=1, each word its number, [SEP]=2; truncation keeps [SEP] last, as HF does. */
const encoder: TokenEncoder = {
  encodeBatch: (texts, maxLength) =>
    Promise.resolve(
      texts.map((t) => {
        let words = t.trim().split(/\s+/).map(Number);
        if (maxLength !== undefined) words = words.slice(0, maxLength - 2);
        return { ids: [1, ...words, 2] };
      }),
    ),
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-corpus-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

const seqs = (set: Awaited<ReturnType<typeof buildSequences>>): number[][] =>
  Array.from({ length: set.count }, (_, i) => [...sequenceAt(set, i)]);

describe('corpus sequences', () => {
  const text = '10 11 12\r\n\n   \n13 14\n15 16 17 18 19 20\n';

  it('concat: lines with their specials joined and cut into full blocks, the short tail dropped', async () => {
    const set = await buildSequences(file('a.txt', text), encoder, { maxLength: 4, packing: 'concat' });
    // Stream: 1 10 11 12 2 | 1 13 14 2 | 1 15 16 17 18 19 20 2  (17 tokens) → 4 blocks of 4, 1 token left.
    expect(seqs(set)).toEqual([
      [1, 10, 11, 12],
      [2, 1, 13, 14],
      [2, 1, 15, 16],
      [17, 18, 19, 20],
    ]);
    expect(set.lines).toBe(3);
    expect(set.tokens).toBe(16);
  });

  it('concat keeps a short corpus as one block', async () => {
    const set = await buildSequences(file('b.txt', '10 11\n'), encoder, { maxLength: 8, packing: 'concat' });
    expect(seqs(set)).toEqual([[1, 10, 11, 2]]);
  });

  it('line: one truncated sequence per non-blank line', async () => {
    const set = await buildSequences(file('c.txt', text), encoder, { maxLength: 5, packing: 'line' });
    expect(seqs(set)).toEqual([
      [1, 10, 11, 12, 2],
      [1, 13, 14, 2],
      [1, 15, 16, 17, 2],
    ]);
  });

  it('names the file when it is missing or blank', async () => {
    await expect(buildSequences(path.join(dir, 'nope.txt'), encoder, { maxLength: 8, packing: 'concat' })).rejects.toThrow(InputError);
    await expect(buildSequences(file('blank.txt', '\n  \n'), encoder, { maxLength: 8, packing: 'concat' })).rejects.toThrow(/blank\.txt.*blank/);
  });

  it('pads a batch on the right with an attention mask', async () => {
    const set = await buildSequences(file('d.txt', text), encoder, { maxLength: 5, packing: 'line' });
    const r = padRows(set, [1, 0], 0);
    expect(r.cols).toBe(5);
    expect([...r.inputIds]).toEqual([1, 13, 14, 2, 0, 1, 10, 11, 12, 2]);
    expect([...r.attentionMask]).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 1, 1]);
  });
});

describe('BatchSampler', () => {
  it('visits every sequence once per epoch, in a seeded order that differs between epochs', () => {
    const s = new BatchSampler(10, 4, 7);
    const visit = Array.from({ length: 5 }, (_, step) => s.indices(step)).flat(); // 20 slots = 2 epochs
    expect([...visit.slice(0, 10)].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect([...visit.slice(10)].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(visit.slice(0, 10)).not.toEqual(visit.slice(10));
    expect(s.epochsAfter(5)).toBe(2);
  });

  it('depends only on (seed, step): a fresh sampler at step k gives the same batch', () => {
    const a = new BatchSampler(13, 5, 3);
    const straight = Array.from({ length: 8 }, (_, step) => a.indices(step));
    const b = new BatchSampler(13, 5, 3);
    expect(Array.from({ length: 4 }, (_, i) => b.indices(i + 4))).toEqual(straight.slice(4));
    expect(new BatchSampler(13, 5, 4).indices(0)).not.toEqual(straight[0]);
  });
});

import { describe, expect, it } from 'vitest';
import { MlmMasker, type TokenRows } from '../../../src/core/pretrain/masking.ts';
import { Rng } from '../../../src/core/train/rng.ts';

// Vocabulary of 20: 0 [PAD], 1 [CLS], 2 [SEP], 3 [MASK], 4 [UNK]; 5–19 words.
const PAD = 0;
const CLS = 1;
const SEP = 2;
const MASK = 3;
const UNK = 4;
const SPECIAL = new Set([PAD, CLS, SEP, MASK, UNK]);

function rows(seqs: number[][], cols: number): TokenRows {
  const inputIds = new Int32Array(seqs.length * cols).fill(PAD);
  const attentionMask = new Int32Array(seqs.length * cols);
  seqs.forEach((s, r) => {
    inputIds.set(s, r * cols);
    attentionMask.fill(1, r * cols, r * cols + s.length);
  });
  return { rows: seqs.length, cols, inputIds, attentionMask };
}

// Row 0: [CLS] 10 11 12 [SEP] pad; row 1: [CLS] 13 [UNK] 14 [SEP] pad. Eligible flat positions: 1 2 3 7 9.
const HAND = rows(
  [
    [CLS, 10, 11, 12, SEP],
    [CLS, 13, UNK, 14, SEP],
  ],
  6,
);
const ELIGIBLE = [1, 2, 3, 7, 9];

describe('MlmMasker', () => {
  it('with p = 1 and only [MASK] replacement chooses exactly the non-special, non-padding positions', () => {
    const masker = new MlmMasker({ maskProb: 1, maskTokenId: MASK, vocabSize: 20, specialIds: SPECIAL, maskReplaceProb: 1, randomReplaceProb: 0 });
    const out = masker.mask(HAND, new Rng(1));
    expect([...out.positions]).toEqual(ELIGIBLE);
    expect([...out.labels]).toEqual([10, 11, 12, 13, 14]);
    expect([...out.inputIds]).toEqual([CLS, MASK, MASK, MASK, SEP, PAD, CLS, MASK, UNK, MASK, SEP, PAD]);
    expect([...out.attentionMask]).toEqual([...HAND.attentionMask]);
    // The input is not modified.
    expect([...HAND.inputIds]).toEqual([CLS, 10, 11, 12, SEP, PAD, CLS, 13, UNK, 14, SEP, PAD]);
  });

  it('follows the documented draw order exactly (seeded)', () => {
    const p = 0.5;
    const masker = new MlmMasker({ maskProb: p, maskTokenId: MASK, vocabSize: 20, specialIds: SPECIAL });
    for (const seed of [3, 4, 5, 6, 7]) {
      // Independent replay of the contract: per eligible position one draw < p, then one draw for 80/10/10,
      // then for a random replacement an index into the 15 non-special ids 5…19.
      const ref = new Rng(seed);
      const expectedPositions: number[] = [];
      const expectedIds = [...HAND.inputIds];
      for (const i of ELIGIBLE) {
        if (ref.next() >= p) continue;
        expectedPositions.push(i);
        const u = ref.next();
        if (u < 0.8) expectedIds[i] = MASK;
        else if (u < 0.9) expectedIds[i] = 5 + ref.int(15);
      }
      const out = masker.mask(HAND, new Rng(seed));
      if (expectedPositions.length === 0) continue; // the fallback path is checked below
      expect([...out.positions]).toEqual(expectedPositions);
      expect([...out.inputIds]).toEqual(expectedIds);
    }
  });

  it('always masks at least one eligible position, never a special one', () => {
    const masker = new MlmMasker({ maskProb: 1e-9, maskTokenId: MASK, vocabSize: 20, specialIds: SPECIAL });
    const seen = new Set<number>();
    const rng = new Rng(11);
    for (let k = 0; k < 200; k++) {
      const out = masker.mask(HAND, rng);
      expect(out.positions.length).toBe(1);
      seen.add(out.positions[0]!);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(ELIGIBLE);
  });

  it('is repeatable from a seed and resumable from a saved Rng state', () => {
    const masker = new MlmMasker({ maskProb: 0.3, maskTokenId: MASK, vocabSize: 20, specialIds: SPECIAL });
    const a = new Rng(99);
    const straight = Array.from({ length: 6 }, () => masker.mask(HAND, a));
    const b = new Rng(99);
    const firstHalf = Array.from({ length: 3 }, () => masker.mask(HAND, b));
    const resumed = Rng.fromState(b.state());
    const secondHalf = Array.from({ length: 3 }, () => masker.mask(HAND, resumed));
    expect([...firstHalf, ...secondHalf]).toEqual(straight);
  });

  it('over many draws: chosen share ≈ p, split ≈ 80/10/10, random ids uniform over non-special ids', () => {
    const p = 0.15;
    const masker = new MlmMasker({ maskProb: p, maskTokenId: MASK, vocabSize: 20, specialIds: SPECIAL });
    // 8 rows of 48: [CLS] 40 words [SEP], then padding; word ids cycle through 5…19.
    const seqs = Array.from({ length: 8 }, (_, r) => [CLS, ...Array.from({ length: 40 }, (_, j) => 5 + ((r * 7 + j) % 15)), SEP]);
    const batch = rows(seqs, 48);
    const eligiblePerBatch = 8 * 40;
    const rng = new Rng(2024);
    const draws = 600;
    let chosen = 0;
    let masked = 0;
    let random = 0;
    let unchanged = 0;
    const randomIds = new Map<number, number>();
    let violations = 0;
    for (let d = 0; d < draws; d++) {
      const out = masker.mask(batch, rng);
      for (let k = 0; k < out.positions.length; k++) {
        const pos = out.positions[k]!;
        if (SPECIAL.has(batch.inputIds[pos]!) || batch.attentionMask[pos] !== 1) violations++;
        const now = out.inputIds[pos]!;
        if (now === MASK) masked++;
        else if (now === out.labels[k]) unchanged++;
        else {
          random++;
          if (SPECIAL.has(now)) violations++;
          randomIds.set(now, (randomIds.get(now) ?? 0) + 1);
        }
      }
      // Nothing outside the chosen positions changes.
      const chosenSet = new Set(out.positions);
      for (let i = 0; i < out.inputIds.length; i++) if (!chosenSet.has(i) && out.inputIds[i] !== batch.inputIds[i]) violations++;
      chosen += out.positions.length;
    }
    expect(violations).toBe(0);
    const n = draws * eligiblePerBatch;
    const share = chosen / n;
    // Binomial: 5 standard deviations.
    expect(Math.abs(share - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    // A random draw equals the original token with probability 1/15, so it counts as "unchanged".
    const expectRandom = 0.1 * (14 / 15);
    const expectUnchanged = 0.1 + 0.1 / 15;
    const tol = (q: number): number => 5 * Math.sqrt((q * (1 - q)) / chosen);
    expect(Math.abs(masked / chosen - 0.8)).toBeLessThan(tol(0.8));
    expect(Math.abs(random / chosen - expectRandom)).toBeLessThan(tol(expectRandom));
    expect(Math.abs(unchanged / chosen - expectUnchanged)).toBeLessThan(tol(expectUnchanged));
    // Every non-special id appears as a random replacement, none far from its expected count.
    expect([...randomIds.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => 5 + i));
    const perId = random / 15;
    for (const c of randomIds.values()) expect(Math.abs(c - perId)).toBeLessThan(5 * Math.sqrt(perId) + 5);
  });
});

import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, bertConfig, randomBertWeights, writeHfCheckpoint } from '../helpers/tiny-checkpoint.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { importAdi, jsonLines, lsr, storedSeries, withStore, writeConfig } from './helpers.ts';

/*
 * The paper's phenomenon on a tiny model: a large-norm MLM head (decoder weight and bias ×100, untied) trained
 * with the same data, seed and recipe (FLOPS on, AdamW, the default collapse detector) at k = 1 and k = 16.
 *
 * What happens (measured, see the note): rescaling never changes which logits are positive, so both runs start
 * with the same ~90% of the vocabulary active. Sparsifying needs the head itself to move by amounts on the
 * scale of its weights, while AdamW moves each weight by about lr per step: at k = 16 the head is 16× smaller,
 * so within ~8 steps the vectors leave saturation and the loss falls ~20×; at k = 1 they stay above half the
 * vocabulary with a ranking loss in the hundreds to thousands, and the detector stops the run at step 20
 * (`saturated representations`, patience 20).
 */

const FACTOR = 100;
const STEPS = 30;
const VOCAB = 30522;
const PATIENCE = 20; // the detector's default, which this config does not override

let home: string;
let cleanup: () => void;
let model: string;
beforeAll(async () => {
  ({ home, cleanup } = tempHome());
  const config = bertConfig({ hidden_size: 32, intermediate_size: 64, tie_word_embeddings: false });
  const weights = randomBertWeights(config, 1, { untied: true });
  // A small head N(0, 0.01²), then scaled up: decoder entries N(0, 1), bias N(0, 1) (decoder norm ≈ 988).
  const head = new Rng(99);
  weights.set('cls.predictions.decoder.weight', head.tensor([VOCAB, 32], 0.01 * FACTOR));
  weights.set('cls.predictions.bias', head.tensor([VOCAB], 0.01 * FACTOR));
  model = writeHfCheckpoint({ config, weights });
  await importAdi(home);
});
afterAll(() => {
  cleanup();
  fs.rmSync(model, { recursive: true, force: true });
});

interface Run {
  id: string;
  status: string;
  reason: string | null;
  series: Record<string, [number, number][]>;
}

const values = (run: Run, name: string): number[] => run.series[name]!.map(([, v]) => v);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const saturation = (run: Run, i: number): number => Math.max(values(run, 'q_nnz_mean')[i]!, values(run, 'd_nnz_mean')[i]!) / VOCAB;

describe('a large-norm MLM head at k = 1 and k = 16 (same data, seed and recipe)', () => {
  it('collapses into saturated representations at k = 1 and trains stably at k = 16', async () => {
    const file = writeConfig(home, 'rescale', {
      name: 'large-head',
      dataset: 'adi',
      k: [1, 16],
      seed: 7,
      steps: STEPS,
      checkpointEvery: 1000,
      evalEvery: 0,
      backend: 'wasm',
      train: { split: 'test', batchSize: 4, maxDocLength: 32, maxQueryLength: 12, lr: 1e-2 },
    });
    const r = await lsr(home, ['train', '--config', file, '--model', model, '--json']);
    expect(r.status, r.stderr).toBe(0); // a collapse is a result, not an error
    const ends = jsonLines(r.stdout).filter((e) => e.event === 'end');
    const [k1, k16] = ends.map((e): Run => {
      const id = e.run as string;
      const run = withStore(home, (s) => s.runs.require(id));
      return { id, status: run.status, reason: run.reason, series: storedSeries(home, id) };
    });

    // Same start: rescaling keeps the sign of every logit, so both see the same sparsity at step 1 (the
    // dropout masks are the same too: one seed), with the k = 16 head 1/16 of the k = 1 head.
    expect(Math.abs(values(k1!, 'd_nnz_mean')[0]! - values(k16!, 'd_nnz_mean')[0]!)).toBeLessThanOrEqual(0.001 * VOCAB);
    expect(saturation(k1!, 0)).toBeGreaterThan(0.8);
    expect(values(k16!, 'decoder_norm')[0]! / values(k1!, 'decoder_norm')[0]!).toBeCloseTo(1 / 16, 3);

    // k = 1: saturated at every step until the detector stops it after `patience` steps.
    expect(k1!.status).toBe('collapsed');
    expect(k1!.reason).toMatch(/^saturated representations: \d+\.\d% of the vocabulary non-zero on average for 20 steps$/);
    const history = withStore(home, (s) => s.runs.history(k1!.id));
    expect(history.at(-1)).toMatchObject({ to: 'collapsed', step: PATIENCE });
    expect(k1!.series.loss!.map(([step]) => step)).toEqual(Array.from({ length: PATIENCE }, (_, i) => i + 1));
    for (let i = 0; i < PATIENCE; i++) expect(saturation(k1!, i)).toBeGreaterThan(0.5);
    const rank1Min = Math.min(...values(k1!, 'rank'));

    // k = 16: out of saturation within a few steps, then ever sparser; trains to the end with a small loss.
    expect(k16!.status).toBe('finished');
    expect(k16!.reason).toBeNull();
    const loss16 = values(k16!, 'loss');
    expect(loss16).toHaveLength(STEPS);
    for (const x of loss16) expect(Number.isFinite(x)).toBe(true);
    const saturatedSteps = loss16.map((_, i) => saturation(k16!, i) > 0.5).lastIndexOf(true) + 1;
    expect(saturatedSteps).toBeLessThanOrEqual(PATIENCE / 2);
    expect(saturation(k16!, STEPS - 1)).toBeLessThan(0.3);
    expect(mean(loss16.slice(-5))).toBeLessThan(30);
    // The large head's ranking loss never comes down to where the rescaled run ends (an order of magnitude).
    expect(rank1Min).toBeGreaterThan(10 * mean(values(k16!, 'rank').slice(-5)));
    // Over the steps both ran, the rescaled run's ranking loss ends far below the large head's.
    expect(mean(values(k1!, 'rank').slice(-5)) / mean(values(k16!, 'rank').slice(PATIENCE - 5, PATIENCE))).toBeGreaterThan(20);
    // Only the finished run reaches the final evaluation.
    expect(withStore(home, (s) => s.evaluations.list(k16!.id).map((e) => e.step))).toEqual([STEPS]);
    expect(withStore(home, (s) => s.evaluations.list(k1!.id))).toEqual([]);
  });
});

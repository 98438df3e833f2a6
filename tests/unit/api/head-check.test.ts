import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMaskedLm } from '../../../src/core/models/load.ts';
import { SpladeEncoder } from '../../../src/core/splade/encoder.ts';
import { SAMPLE_TEXTS } from '../../../src/core/splade/head-stats.ts';
import { rescaleHead } from '../../../src/core/splade/rescale.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { loadTokenizer } from '../../../src/core/tokenize/load-tokenizer.ts';
import { bertConfig, randomBertWeights, writeHfCheckpoint, writeTinyBert, type TinyCheckpoint } from '../../helpers/tiny-checkpoint.ts';
import { engineHarness, type EngineHarness } from './engine-harness.ts';
import { failure } from './api-harness.ts';

const TEXTS = [
  'what is the boiling point of water',
  'Water boils at 100 degrees Celsius at sea level.',
  'symptoms of vitamin d deficiency',
  'The treaty ended the war in 1648.',
  'snowman',
];

let ckpt: TinyCheckpoint;
let loud: string;
let api: EngineHarness;

/** Mean pairwise cosine, in float64, of the vectors `lsr encode --k K` gives (the model's head really divided by k). */
async function encodedCosine(dir: string, k: number, texts: string[]): Promise<number> {
  const model = loadMaskedLm(dir);
  try {
    rescaleHead(model, k);
    const vectors = await new SpladeEncoder(model, await loadTokenizer(dir)).encodeTexts(texts, 'document');
    const dense = vectors.map((v) => {
      const m = new Map<number, number>();
      v.termIds.forEach((id, i) => m.set(id, v.weights[i]!));
      return m;
    });
    const dot = (a: Map<number, number>, b: Map<number, number>) => [...a].reduce((s, [id, w]) => s + w * (b.get(id) ?? 0), 0);
    let sum = 0;
    let pairs = 0;
    for (let i = 0; i < dense.length; i++) {
      for (let j = i + 1; j < dense.length; j++) {
        sum += dot(dense[i]!, dense[j]!) / Math.sqrt(dot(dense[i]!, dense[i]!) * dot(dense[j]!, dense[j]!));
        pairs++;
      }
    }
    return sum / pairs;
  } finally {
    model.dispose();
  }
}

beforeAll(async () => {
  await selectBackend('wasm');
  ckpt = writeTinyBert({ seed: 5 });
  // A deliberately loud head: an untied decoder 40× the usual scale, so logits and weights are large at k = 1.
  const config = bertConfig({ tie_word_embeddings: false });
  const weights = randomBertWeights(config, 5, { untied: true });
  for (const name of ['cls.predictions.decoder.weight', 'cls.predictions.bias']) {
    const t = weights.get(name)!;
    weights.set(name, { shape: t.shape, data: t.data.map((v) => v * 40) });
  }
  loud = writeHfCheckpoint({ config, weights });
  api = engineHarness();
});
afterAll(async () => {
  await api.close();
  for (const dir of [ckpt.dir, loud]) fs.rmSync(dir, { recursive: true, force: true });
});

describe('models.headCheck', () => {
  it("gives per k the head statistics and the mean pairwise cosine of `lsr encode`'s vectors", async () => {
    const r = await api.call('models.headCheck', { model: ckpt.dir, ks: [16, 1, 4], texts: TEXTS, taskId: 'check-1' });
    expect(r).toMatchObject({ model: ckpt.dir, folder: ckpt.dir, architecture: 'BertForMaskedLM', vocabSize: 30522, tied: true, texts: TEXTS.length });
    expect(r.rows.map((row) => row.k)).toEqual([1, 4, 16]);
    for (const row of r.rows) {
      const cosine = await encodedCosine(ckpt.dir, row.k, TEXTS);
      expect(row.stats.splade_cosine_mean).not.toBeNull();
      expect(Math.abs(row.stats.splade_cosine_mean! - cosine)).toBeLessThan(1e-5);
      expect(row.nnzFraction).toBeCloseTo(row.stats.splade_nnz_mean / 30522, 12);
      expect(row.stats.decoder_weight_frobenius_norm).toBeCloseTo(r.rows[0]!.stats.decoder_weight_frobenius_norm / row.k, 9);
    }
    const progress = api.eventsOf('tasks.progress').filter((p) => p.taskId === 'check-1');
    expect(progress.at(-1)).toEqual({ taskId: 'check-1', method: 'models.headCheck', message: `head-scale check: ${TEXTS.length}/${TEXTS.length} texts`, fraction: 1 });
  });

  it('suggests the smallest k whose largest weight is at most 3, far larger for a loud head than for a usual one', async () => {
    const ks = [1, 2, 4, 8, 16, 32, 64, 128];
    const quiet = await api.call('models.headCheck', { model: ckpt.dir, ks: [0.5, 1, 2], texts: TEXTS });
    const loudCheck = await api.call('models.headCheck', { model: loud, ks, texts: TEXTS });
    for (const r of [quiet, loudCheck]) {
      // The rule, re-applied from the reported numbers and the bound the rule text states.
      expect(r.rows.map((row) => row.meetsRule)).toEqual(r.rows.map((row) => row.stats.splade_weight_max <= 3));
      expect(r.suggestion.k).toBe(r.rows.find((row) => row.stats.splade_weight_max <= 3)?.k ?? null);
      expect(r.suggestion.rule).toContain('log(1 + logit/k) ≤ 3');
      // k keeps the logits' signs: the same non-zeros at every k.
      expect(new Set(r.rows.map((row) => row.stats.splade_nnz_mean)).size).toBe(1);
    }
    expect(loudCheck.rows[0]!.stats.splade_weight_max).toBeGreaterThan(6);
    expect(quiet.suggestion.k).toBeLessThanOrEqual(2);
    expect(loudCheck.suggestion.k).toBeGreaterThanOrEqual(32);
    expect(loudCheck.suggestion.reason).toMatch(/^k=1: largest weight [\d.]+ > 3; k=2: /);
    // The tiny random models switch on most of the vocabulary: saturated at every k, and warned about.
    expect(loudCheck.rows[0]!.saturated).toBe(true);
    expect(loudCheck.suggestion.warnings[0]).toMatch(/^\d+(\.\d+)?% of the vocabulary is non-zero at every k/);
  });

  it('uses the built-in sample texts by default and refuses bad candidates or too few texts', async () => {
    const r = await api.call('models.headCheck', { model: ckpt.dir, ks: [1] });
    expect(r.texts).toBe(SAMPLE_TEXTS.length);
    expect(await failure(api.call('models.headCheck', { model: ckpt.dir, ks: [] }))).toEqual({ code: 'bad_request', message: 'field "ks": give at least one k' });
    expect(await failure(api.call('models.headCheck', { model: ckpt.dir, ks: [1, 0] }))).toEqual({
      code: 'bad_request',
      message: 'field "ks[1]": the head rescale factor must be a number > 0, got 0',
    });
    expect(await failure(api.call('models.headCheck', { model: ckpt.dir, ks: [1], texts: ['only one'] }))).toMatchObject({ code: 'bad_request' });
  });
});

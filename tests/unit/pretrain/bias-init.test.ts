import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpointWeights } from '../../../src/core/models/load.ts';
import { unigramLogPrior } from '../../../src/core/pretrain/bias-init.ts';
import { pretrainMlm, type PretrainOptions } from '../../../src/core/pretrain/run.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { loadTokenizer } from '../../../src/core/tokenize/load-tokenizer.ts';
import { InputError } from '../../../src/core/errors.ts';
import { SPECIALS, WORDS, writeCountingSetup } from './counting-corpus.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-bias-init-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('unigramLogPrior', () => {
  it('is log((count + 1) / (N + V)) with special tokens counted 0 (hand-computed)', () => {
    // vocabulary 8; tokens 5, 5, 6, 2 (special), 7: N = 4 counted tokens, N + V = 12.
    const prior = unigramLogPrior(Int32Array.from([5, 5, 6, 2, 7]), 8, new Set([2]));
    const expected = [1, 1, 1, 1, 1, 3, 2, 2].map((c) => Math.log(c / 12));
    for (let j = 0; j < 8; j++) expect(prior[j]).toBeCloseTo(expected[j]!, 6);
    // A distribution: the untrained softmax with this bias (and zero rows) predicts it.
    expect(Array.from(prior).reduce((s, b) => s + Math.exp(b), 0)).toBeCloseTo(1, 6);
  });
});

describe('pretrain-mlm --bias-init unigram', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  const setup = writeCountingSetup(dir, 60, 10);
  const config = path.join(dir, 'bert.json');
  fs.writeFileSync(
    config,
    JSON.stringify({ architectures: ['BertForMaskedLM'], hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 32 }),
  );
  const options = (out: string, biasInit: 'zero' | 'unigram'): PretrainOptions => ({
    configFile: config,
    tokenizerDir: setup.tokenizer,
    corpusFile: setup.corpus,
    outDir: out,
    steps: 1,
    batchSize: 4,
    maxLength: 24,
    lr: 1e-9,
    warmupSteps: 0,
    weightDecay: 0,
    maxGradNorm: 1,
    seed: 3,
    packing: 'line',
    checkpointEvery: 0,
    evalEvery: 0,
    keepCheckpoints: 0,
    resume: false,
    biasInit,
  });

  it('starts the decoder bias at the corpus word frequencies (counted from the text), other weights as without it', async () => {
    await pretrainMlm(options(path.join(dir, 'unigram'), 'unigram'), { loadTokenizer });
    await pretrainMlm(options(path.join(dir, 'zero'), 'zero'), { loadTokenizer });
    const uni = readCheckpointWeights(path.join(dir, 'unigram')).weights;
    const zero = readCheckpointWeights(path.join(dir, 'zero')).weights;
    // lr 1e-9: one Adam step moves a weight by at most ~1e-9, so the stored model is the initial one.
    const bias = uni.get('cls.predictions.bias')!.data;
    expect(Math.max(...Array.from(zero.get('cls.predictions.bias')!.data, Math.abs))).toBeLessThan(1e-8);

    const counts = new Map<string, number>();
    let total = 0;
    for (const line of fs.readFileSync(setup.corpus, 'utf8').split('\n')) {
      for (const w of line.split(' ').filter((x) => x !== '')) {
        counts.set(w, (counts.get(w) ?? 0) + 1);
        total++;
      }
    }
    const V = SPECIALS.length + WORDS.length;
    WORDS.forEach((w, i) => expect(bias[SPECIALS.length + i]).toBeCloseTo(Math.log(((counts.get(w) ?? 0) + 1) / (total + V)), 5));
    SPECIALS.forEach((_, i) => expect(bias[i]).toBeCloseTo(Math.log(1 / (total + V)), 5));
    for (const [name, t] of zero) {
      if (name === 'cls.predictions.bias') continue;
      const u = uni.get(name)!.data;
      let worst = 0;
      for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(u[i]! - t.data[i]!));
      expect(worst, name).toBeLessThan(1e-8);
    }
  });

  it('refuses to resume a --bias-init unigram run without the option, naming it', async () => {
    const out = path.join(dir, 'resume');
    await pretrainMlm(options(out, 'unigram'), { loadTokenizer });
    const again = pretrainMlm({ ...options(out, 'zero'), steps: 2, resume: true }, { loadTokenizer });
    await expect(again).rejects.toMatchObject({ location: { field: '--bias-init' } });
    const withIt = await pretrainMlm({ ...options(out, 'unigram'), steps: 2, resume: true }, { loadTokenizer });
    expect(withIt).toMatchObject({ steps: 2, bias_init: 'unigram', resumed_from: 1 });
  });

  it('refuses --bias-init unigram with --init (it sets fresh weights only)', async () => {
    const opts = { ...options(path.join(dir, 'init'), 'unigram'), configFile: undefined, initFrom: path.join(dir, 'zero') };
    await expect(pretrainMlm(opts, { loadTokenizer })).rejects.toThrow(InputError);
    await expect(pretrainMlm(opts, { loadTokenizer })).rejects.toThrow(/--bias-init|fresh weights/);
  });
});

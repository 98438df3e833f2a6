import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMaskedLm } from '../../../src/core/models/load.ts';
import { buildSequences } from '../../../src/core/pretrain/corpus.ts';
import { evaluateHeldout, prepareHeldout } from '../../../src/core/pretrain/evaluate.ts';
import { MlmMasker } from '../../../src/core/pretrain/masking.ts';
import { pretrainMlm, type PretrainEvent, type PretrainOptions } from '../../../src/core/pretrain/run.ts';
import { readSpecialTokens } from '../../../src/core/pretrain/special-tokens.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { loadTokenizer } from '../../../src/core/tokenize/load-tokenizer.ts';
import { countingLines, tinyModernBertPretrainConfig, WORDS, writeCountingSetup } from './counting-corpus.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-pretrain-learn-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('pretrain-mlm on a toy language', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('drives held-out masked-token accuracy far above the best context-free guess, and saves a loadable HF folder', async () => {
    const setup = writeCountingSetup(dir);
    const configFile = path.join(dir, 'config.json');
    fs.writeFileSync(configFile, JSON.stringify(tinyModernBertPretrainConfig({ vocab_size: 50368 })));
    const out = path.join(dir, 'out');
    const opts: PretrainOptions = {
      configFile,
      tokenizerDir: setup.tokenizer,
      corpusFile: setup.corpus,
      heldoutFile: setup.heldout,
      outDir: out,
      steps: 150,
      batchSize: 16,
      maxLength: 32,
      lr: 1e-2,
      warmupSteps: 10,
      weightDecay: 0.01,
      maxGradNorm: 1,
      seed: 1,
      packing: 'concat',
      checkpointEvery: 0,
      evalEvery: 50,
      keepCheckpoints: 1,
      resume: false,
    };
    const events: PretrainEvent[] = [];
    const summary = await pretrainMlm(opts, { loadTokenizer }, (e) => events.push(e));

    // The config's vocab_size disagreed with the tokenizer: warned and replaced.
    expect(events.some((e) => e.type === 'warning' && /vocab_size 50368 differs from the tokenizer's 25/.test(e.message))).toBe(true);
    expect(summary.vocab_size).toBe(25);
    expect(summary.mask_prob).toBe(0.3);
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.map((e) => e.step)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    const evals = events.filter((e) => e.type === 'eval');
    expect(evals.map((e) => e.step)).toEqual([50, 100, 150]);

    // Chance: a masked position holds a word drawn from the held-out text, so predicting the most frequent
    // held-out word everywhere scores about its frequency.
    const counts = new Map<string, number>();
    for (const line of countingLines(2, 100)) for (const w of line.split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const chance = Math.max(...counts.values()) / total;
    expect(chance).toBeLessThan(0.15);
    expect(counts.size).toBe(WORDS.length);
    expect(summary.heldout_accuracy).not.toBeNull();
    expect(summary.heldout_accuracy!).toBeGreaterThan(chance + 0.4);
    expect(summary.heldout_loss!).toBeLessThan(Math.log(WORDS.length) * 0.6);
    const firstLoss = (steps[0] as { loss: number }).loss;
    expect(summary.loss_recent_mean).toBeLessThan(firstLoss * 0.6);

    // The output folder is a Hugging Face model folder the model loader reads; evaluated again with the
    // same fixed held-out masking it scores exactly the reported accuracy.
    for (const f of ['config.json', 'model.safetensors', 'vocab.txt', 'pretrain-summary.json']) expect(fs.existsSync(path.join(out, f))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'pretrain-summary.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(summary)));
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.architectures).toEqual(['ModernBertForMaskedLM']);
    expect(config.vocab_size).toBe(25);
    const model = loadMaskedLm(out);
    try {
      const tokenizer = await loadTokenizer(out, config);
      const special = readSpecialTokens(out);
      const set = await buildSequences(setup.heldout, tokenizer, { maxLength: 32, packing: 'concat' });
      const masker = new MlmMasker({ maskProb: 0.3, maskTokenId: special.maskTokenId, vocabSize: 25, specialIds: special.specialIds });
      const again = evaluateHeldout(model, prepareHeldout(set, 16, tokenizer.padId, masker, 1));
      expect(again.accuracy).toBe(summary.heldout_accuracy);
    } finally {
      model.dispose();
    }

    // Continued pretraining (--init): starts from the saved weights, not fresh ones. One step at a
    // negligible learning rate leaves the held-out predictions as they were.
    const cont = await pretrainMlm(
      { ...opts, configFile: undefined, initFrom: out, tokenizerDir: undefined, outDir: path.join(dir, 'continued'), steps: 1, lr: 1e-9, warmupSteps: 0 },
      { loadTokenizer },
    );
    expect(cont.heldout_accuracy).toBe(summary.heldout_accuracy);
    expect(cont.loss).toBeLessThan(firstLoss * 0.6);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { CancelledError } from '../../../src/core/errors.ts';
import { listCheckpoints } from '../../../src/core/pretrain/checkpoint.ts';
import { pretrainMlm, type PretrainEvent, type PretrainOptions } from '../../../src/core/pretrain/run.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { loadTokenizer } from '../../../src/core/tokenize/load-tokenizer.ts';
import { runLsr } from '../../helpers/run-cli.ts';
import { tinyModernBertPretrainConfig, writeCountingSetup } from './counting-corpus.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-pretrain-resume-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const setup = writeCountingSetup(dir, 120, 30);

function configFile(name: string, cfg: Record<string, unknown>): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(cfg));
  return file;
}

function options(out: string, config: string, resume = false): PretrainOptions {
  return {
    configFile: config,
    tokenizerDir: setup.tokenizer,
    corpusFile: setup.corpus,
    heldoutFile: setup.heldout,
    outDir: out,
    steps: 8,
    batchSize: 4,
    maxLength: 24,
    lr: 5e-3,
    warmupSteps: 2,
    weightDecay: 0.01,
    maxGradNorm: 1,
    seed: 3,
    packing: 'concat',
    checkpointEvery: 0,
    evalEvery: 3,
    keepCheckpoints: 0,
    resume,
  };
}

type StepEvent = Extract<PretrainEvent, { type: 'step' }>;

async function run(opts: PretrainOptions, abortAfter?: number): Promise<{ steps: StepEvent[]; error?: unknown }> {
  const steps: StepEvent[] = [];
  const controller = new AbortController();
  try {
    await pretrainMlm(
      opts,
      { loadTokenizer },
      (e) => {
        if (e.type !== 'step') return;
        steps.push(e);
        if (e.step === abortAfter) controller.abort();
      },
      controller.signal,
    );
    return { steps };
  } catch (error) {
    return { steps, error };
  }
}

const series = (steps: StepEvent[]): number[][] => steps.map((s) => [s.step, s.loss, s.accuracy, s.lr, s.gradNorm]);

describe('pretrain-mlm resume', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  // Dropout on (ModernBERT's attention and MLP dropout): the seeded dropout masks are part of what must repeat.
  for (const [arch, cfg] of [
    ['ModernBERT with dropout', tinyModernBertPretrainConfig({ attention_dropout: 0.1, mlp_dropout: 0.1, embedding_dropout: 0.1 })],
    [
      'BERT',
      {
        architectures: ['BertForMaskedLM'],
        hidden_size: 32,
        num_hidden_layers: 2,
        num_attention_heads: 2,
        intermediate_size: 64,
        max_position_embeddings: 32,
        vocab_size: 25,
      },
    ],
  ] as const) {
    it(`${arch}: 8 steps straight = cancelled after 4 + --resume for 4 (same losses, same final weights)`, async () => {
      const config = configFile(`${arch.split(' ')[0]}.json`, cfg);
      const straightDir = path.join(dir, `${arch}-straight`);
      const tensorsBefore = tf.memory().numTensors;
      const straight = await run(options(straightDir, config));
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(straight.error).toBeUndefined();
      expect(straight.steps).toHaveLength(8);

      const splitDir = path.join(dir, `${arch}-split`);
      const first = await run(options(splitDir, config), 4);
      expect(first.error).toBeInstanceOf(CancelledError);
      expect(first.steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
      expect(listCheckpoints(splitDir).map((c) => c.step)).toEqual([4]);
      const second = await run(options(splitDir, config, true));
      expect(second.error).toBeUndefined();
      expect(second.steps.map((s) => s.step)).toEqual([5, 6, 7, 8]);

      expect(series([...first.steps, ...second.steps])).toEqual(series(straight.steps));
      const a = fs.readFileSync(path.join(straightDir, 'model.safetensors'));
      const b = fs.readFileSync(path.join(splitDir, 'model.safetensors'));
      expect(b.equals(a)).toBe(true);
      const sa = JSON.parse(fs.readFileSync(path.join(straightDir, 'pretrain-summary.json'), 'utf8')) as Record<string, unknown>;
      const sb = JSON.parse(fs.readFileSync(path.join(splitDir, 'pretrain-summary.json'), 'utf8')) as Record<string, unknown>;
      expect(sb.resumed_from).toBe(4);
      expect(sb.evaluations).toEqual(sa.evaluations);
      expect(sb.heldout_accuracy).toBe(sa.heldout_accuracy);
    });
  }

  it('sees an abort that arrives from the event loop (as SIGINT does), not only from its own callbacks', async () => {
    const config = configFile('sig.json', tinyModernBertPretrainConfig());
    const out = path.join(dir, 'sig');
    const controller = new AbortController();
    const seen: number[] = [];
    const error = await pretrainMlm({ ...options(out, config), steps: 50 }, { loadTokenizer }, (e) => {
      if (e.type !== 'step') return;
      seen.push(e.step);
      if (e.step === 2) setImmediate(() => controller.abort());
    }, controller.signal).then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(CancelledError);
    expect(seen).toEqual([1, 2]);
    expect(listCheckpoints(out).map((c) => c.step)).toEqual([2]);
  });

  it('resumes with other --steps and no --warmup-steps, keeping the saved warm-up', async () => {
    const config = configFile('steps.json', tinyModernBertPretrainConfig());
    const out = path.join(dir, 'steps');
    const first = await run({ ...options(out, config), steps: 4, warmupSteps: 2 });
    expect(first.error).toBeUndefined();
    const second = await run({ ...options(out, config, true), steps: 6, warmupSteps: undefined });
    expect(second.error).toBeUndefined();
    // Hugging Face's linear schedule with warm-up 2 and 6 steps in all: peak · (6 − s) / (6 − 2) for s ≥ 2.
    expect(second.steps.map((s) => s.lr)).toEqual([5e-3 * (2 / 4), 5e-3 * (1 / 4)]);
  });

  it('refuses a resume with different trajectory options, naming the flag', async () => {
    const config = configFile('m.json', tinyModernBertPretrainConfig());
    const out = path.join(dir, 'mismatch');
    const first = await run({ ...options(out, config), steps: 2 });
    expect(first.error).toBeUndefined();
    const second = await run({ ...options(out, config, true), batchSize: 5 });
    expect(String(second.error)).toMatch(/--batch-size.*batchSize 4, this command 5/);
  });
});

describe('lsr pretrain-mlm', () => {
  it('prints the summary on stdout, progress on stderr, and writes the summary file', async () => {
    const config = configFile('cli.json', tinyModernBertPretrainConfig({ vocab_size: 25 }));
    const out = path.join(dir, 'cli-out');
    const r = await runLsr([
      'pretrain-mlm', '--config', config, '--tokenizer', setup.tokenizer, '--corpus', setup.corpus, '--heldout', setup.heldout,
      '--out', out, '--steps', '3', '--batch-size', '4', '--max-length', '24', '--mask-prob', '0.2', '--backend', 'wasm',
    ]);
    expect(r.err).toMatch(/step 3\/3 {2}loss/);
    expect(r.err).toMatch(/held-out at step 3: masked-token accuracy/);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.out) as Record<string, unknown>;
    expect(summary).toEqual(JSON.parse(fs.readFileSync(path.join(out, 'pretrain-summary.json'), 'utf8')));
    expect(summary).toMatchObject({ architecture: 'ModernBertForMaskedLM', steps: 3, batch_size: 4, max_length: 24, mask_prob: 0.2, backend: 'wasm' });
    expect(typeof summary.heldout_accuracy).toBe('number');
    expect(summary.tokens_per_s).toBeGreaterThan(0);

    // The same --out again without --resume: exit 2, naming the folder.
    const again = await runLsr(['pretrain-mlm', '--config', config, '--tokenizer', setup.tokenizer, '--corpus', setup.corpus, '--out', out, '--steps', '3']);
    expect(again.status).toBe(2);
    expect(again.err).toContain(out);
  });

  it('exits 2 naming the file or flag at fault', async () => {
    const config = configFile('cli2.json', tinyModernBertPretrainConfig());
    const base = ['pretrain-mlm', '--config', config, '--tokenizer', setup.tokenizer, '--out', path.join(dir, 'bad')];
    const missing = await runLsr([...base, '--corpus', path.join(dir, 'nope.txt')]);
    expect(missing.status).toBe(2);
    expect(missing.err).toContain('nope.txt');
    const tooLong = await runLsr([...base, '--corpus', setup.corpus, '--max-length', '100']);
    expect(tooLong.status).toBe(2);
    expect(tooLong.err).toMatch(/--max-length.*exceeds max_position_embeddings 64/);
    const noResume = await runLsr([...base, '--corpus', setup.corpus, '--resume']);
    expect(noResume.status).toBe(2);
    expect(noResume.err).toMatch(/--resume.*no checkpoint/);
    const both = await runLsr([...base, '--corpus', setup.corpus, '--init', setup.tokenizer]);
    expect(both.status).toBe(2);
    expect(both.err).toMatch(/--config.*not both/);
    const distil = configFile('distil.json', { architectures: ['DistilBertForMaskedLM'] });
    const wrongArch = await runLsr(['pretrain-mlm', '--config', distil, '--tokenizer', setup.tokenizer, '--corpus', setup.corpus, '--out', path.join(dir, 'bad2')]);
    expect(wrongArch.status).toBe(2);
    expect(wrongArch.err).toMatch(/distil\.json.*architectures.*cannot pretrain DistilBertForMaskedLM/);
  });
});

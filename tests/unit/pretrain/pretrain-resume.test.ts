import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { runCli } from '../../../src/cli/main.ts';
import { CancelledError } from '../../../src/core/errors.ts';
import { listCheckpoints } from '../../../src/core/pretrain/checkpoint.ts';
import { pretrainMlm, type PretrainEvent, type PretrainOptions } from '../../../src/core/pretrain/run.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { loadTokenizer } from '../../../src/core/tokenize/load-tokenizer.ts';
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
  function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    return runCli(argv, { stdout, stderr, stdin: new PassThrough() }, new AbortController().signal).then((code) => ({ code, stdout: out, stderr: err }));
  }

  it('prints the summary on stdout, progress on stderr, and writes the summary file', async () => {
    const config = configFile('cli.json', tinyModernBertPretrainConfig({ vocab_size: 25 }));
    const out = path.join(dir, 'cli-out');
    const r = await cli([
      'pretrain-mlm', '--config', config, '--tokenizer', setup.tokenizer, '--corpus', setup.corpus, '--heldout', setup.heldout,
      '--out', out, '--steps', '3', '--batch-size', '4', '--max-length', '24', '--mask-prob', '0.2', '--backend', 'wasm',
    ]);
    expect(r.stderr).toMatch(/step 3\/3 {2}loss/);
    expect(r.stderr).toMatch(/held-out at step 3: masked-token accuracy/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toEqual(JSON.parse(fs.readFileSync(path.join(out, 'pretrain-summary.json'), 'utf8')));
    expect(summary).toMatchObject({ architecture: 'ModernBertForMaskedLM', steps: 3, batch_size: 4, max_length: 24, mask_prob: 0.2, backend: 'wasm' });
    expect(typeof summary.heldout_accuracy).toBe('number');
    expect(summary.tokens_per_s).toBeGreaterThan(0);

    // The same --out again without --resume: exit 2, naming the folder.
    const again = await cli(['pretrain-mlm', '--config', config, '--tokenizer', setup.tokenizer, '--corpus', setup.corpus, '--out', out, '--steps', '3']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(out);
  });

  it('exits 2 naming the file or flag at fault', async () => {
    const config = configFile('cli2.json', tinyModernBertPretrainConfig());
    const base = ['pretrain-mlm', '--config', config, '--tokenizer', setup.tokenizer, '--out', path.join(dir, 'bad')];
    const missing = await cli([...base, '--corpus', path.join(dir, 'nope.txt')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.txt');
    const tooLong = await cli([...base, '--corpus', setup.corpus, '--max-length', '100']);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/--max-length.*exceeds max_position_embeddings 64/);
    const noResume = await cli([...base, '--corpus', setup.corpus, '--resume']);
    expect(noResume.code).toBe(2);
    expect(noResume.stderr).toMatch(/--resume.*no checkpoint/);
    const both = await cli([...base, '--corpus', setup.corpus, '--init', setup.tokenizer]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--config.*not both/);
    const distil = configFile('distil.json', { architectures: ['DistilBertForMaskedLM'] });
    const wrongArch = await cli(['pretrain-mlm', '--config', distil, '--tokenizer', setup.tokenizer, '--corpus', setup.corpus, '--out', path.join(dir, 'bad2')]);
    expect(wrongArch.code).toBe(2);
    expect(wrongArch.stderr).toMatch(/distil\.json.*architectures.*cannot pretrain DistilBertForMaskedLM/);
  });
});

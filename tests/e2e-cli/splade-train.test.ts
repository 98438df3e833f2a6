import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from 'tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../../src/core/io/safetensors.ts';
import type { WeightMap } from '../../src/core/models/types.ts';
import { referenceBert, referenceSplade } from '../helpers/reference-mlm.ts';
import { writeTinyBert } from '../helpers/tiny-checkpoint.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { importAdi, jsonLines, lsr, storedSeries, writeConfig } from './helpers.ts';

/*
 * `lsr train` with the real SPLADE executor on a tiny BERT and ADI, a k sweep of three runs, each trained in
 * its own process to the end; what they store is checked against values computed here from the definitions
 * (the lr schedule, the FLOPS warm-up, the loss sum, Frobenius norms of the checkpoint files, a float64
 * forward of the final checkpoint).
 */

let home: string;
let cleanup: () => void;
let base: ReturnType<typeof writeTinyBert>;
beforeAll(async () => {
  ({ home, cleanup } = tempHome());
  base = writeTinyBert({ seed: 5 });
  await importAdi(home);
});
afterAll(() => {
  cleanup();
  fs.rmSync(base.dir, { recursive: true, force: true });
});

const STEPS = 4;
const LR = 1e-3;
const LAMBDA_Q = 5e-4;
const LAMBDA_D = 3e-4;
const FLOPS_T = 3;
const KS = [1, 4, 16];
const NORM_TOL = 3e-4;

/** `get_linear_schedule_with_warmup` (1 warm-up step): the lr of the update after `s` completed ones. */
function hfLinearLr(s: number, warmup: number, total: number): number {
  return s < warmup ? (LR * s) / warmup : (LR * Math.max(0, total - s)) / Math.max(1, total - warmup);
}

function frobenius(data: Float32Array): number {
  let s = 0;
  for (const x of data) s += x * x;
  return Math.sqrt(s);
}

function decoderOf(weights: WeightMap): Float32Array {
  return (weights.get('cls.predictions.decoder.weight') ?? weights.get('bert.embeddings.word_embeddings.weight')!).data;
}

function close(actual: number, expected: number, rel = 1e-5): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-12));
}

interface Summary {
  id: string;
  name: string;
  status: string;
  config: { k: number; model: string };
  checkpoints: { step: number; path: string }[];
  evaluations: { step: number; dataset: string; split: string; metrics: Record<string, number> }[];
}

describe('lsr train (SPLADE executor) on a tiny BERT and ADI', () => {
  it('a k sweep trains three runs end to end: metrics, HF checkpoints, evaluations, and encode --model run:<id>', async () => {
    const config = writeConfig(home, 'sweep', {
      name: 'adi-tiny',
      dataset: 'adi',
      k: KS,
      seed: 3,
      steps: STEPS,
      checkpointEvery: 2,
      evalEvery: 2,
      backend: 'wasm',
      train: {
        split: 'test',
        batchSize: 4,
        maxDocLength: 32,
        maxQueryLength: 12,
        lr: LR,
        warmupSteps: 1,
        flopsWarmupSteps: FLOPS_T,
        lambdaQ: LAMBDA_Q,
        lambdaD: LAMBDA_D,
        evalQueries: 5,
        evalMaxDocs: 20,
      },
    });
    const r = await lsr(home, ['train', '--config', config, '--model', base.dir, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const events = jsonLines(r.stdout);
    const queued = events.filter((e) => e.event === 'queued');
    expect(queued).toHaveLength(3);
    const sweep = queued[0]!.sweep as string;
    expect(typeof sweep).toBe('string');
    for (const q of queued) expect(q.sweep).toBe(sweep);
    expect(events.filter((e) => e.event === 'end').map((e) => e.status)).toEqual(['finished', 'finished', 'finished']);

    // The sweep as `lsr runs list` shows it: three runs, their k, one sweep id.
    const list = await lsr(home, ['runs', 'list', '--sweep', sweep, '--json']);
    expect(list.status).toBe(0);
    const runs = (JSON.parse(list.stdout) as Summary[]).sort((a, b) => a.config.k - b.config.k);
    expect(runs.map((x) => [x.name, x.config.k, x.status])).toEqual(KS.map((k) => [`adi-tiny-k${k}`, k, 'finished']));
    expect((JSON.parse((await lsr(home, ['runs', 'list', '--json'])).stdout) as Summary[]).length).toBe(3);

    const initialDecoderNorm = frobenius(decoderOf(base.weights));
    for (const listed of runs) {
      // `runs list` abridges evaluations to the latest; `runs show` has them all.
      const run = JSON.parse((await lsr(home, ['runs', 'show', listed.id, '--json'])).stdout) as Summary;
      expect(run).toMatchObject({ id: listed.id, checkpoints: listed.checkpoints, config: listed.config });
      expect(listed.evaluations.map((e) => e.step)).toEqual([STEPS]);
      const k = run.config.k;
      const s = storedSeries(home, run.id);
      const at = (name: string): number[] => {
        expect(s[name], `${run.name} records ${name}`).toBeDefined();
        expect(s[name]!.map(([step]) => step)).toEqual([1, 2, 3, 4]);
        return s[name]!.map(([, v]) => v);
      };
      // Every component the issue lists, every step.
      const loss = at('loss');
      const rank = at('rank');
      const flopsQ = at('flops_q');
      const flopsD = at('flops_d');
      const lambdaQ = at('lambda_flops_q');
      const lambdaD = at('lambda_flops_d');
      const lr = at('lr');
      const grad = at('grad_norm');
      const [qMean, qMax, dMean, dMax] = ['q_nnz_mean', 'q_nnz_max', 'd_nnz_mean', 'd_nnz_max'].map(at);
      const [qw, dw] = ['q_weight_mean', 'd_weight_mean'].map(at);
      const decoderNorm = at('decoder_norm');
      const [stepS, tokS] = ['step_s', 'tokens_per_s'].map(at);
      expect(at('rescale_k')).toEqual([k, k, k, k]);
      expect(at('ce')).toEqual(rank);
      for (let i = 0; i < STEPS; i++) {
        const t = i + 1;
        close(lambdaQ[i]!, LAMBDA_Q * Math.min(1, t / FLOPS_T) ** 2, 1e-12);
        close(lambdaD[i]!, LAMBDA_D * Math.min(1, t / FLOPS_T) ** 2, 1e-12);
        close(lr[i]!, hfLinearLr(i, 1, STEPS), 1e-12);
        close(loss[i]!, rank[i]! + lambdaQ[i]! * flopsQ[i]! + lambdaD[i]! * flopsD[i]!, 1e-5);
        expect(rank[i]).toBeGreaterThan(0);
        expect(flopsQ[i]).toBeGreaterThan(0);
        expect(grad[i]).toBeGreaterThan(0);
        expect(qMean[i]).toBeGreaterThan(0);
        expect(qMean[i]).toBeLessThanOrEqual(qMax[i]!);
        expect(dMean[i]).toBeLessThanOrEqual(dMax[i]!);
        expect(Math.max(qMax[i]!, dMax[i]!)).toBeLessThanOrEqual(30522);
        expect(qw[i]).toBeGreaterThan(0);
        expect(dw[i]).toBeGreaterThan(0);
        expect(stepS[i]).toBeGreaterThan(0);
        expect(tokS[i]).toBeGreaterThan(0);
      }
      // The first update runs at lr 0 (warm-up), so after it the decoder is the initial one divided by k.
      // (decoder_norm is a float32 sum over vocab × hidden squares on wasm: good to ~1e-4 relative.)
      close(decoderNorm[0]!, initialDecoderNorm / k, NORM_TOL);

      // Checkpoints at 2 and 4 in Hugging Face layout, plus what resuming needs; the decoder norm recorded at
      // a checkpoint's step is the norm of the decoder saved there.
      expect(run.checkpoints.map((c) => c.step)).toEqual([2, 4]);
      for (const c of run.checkpoints) {
        for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'optimizer.safetensors', 'trainer_state.json']) {
          expect(fs.existsSync(path.join(c.path, f)), `${c.path}/${f}`).toBe(true);
        }
        const hf = JSON.parse(fs.readFileSync(path.join(c.path, 'config.json'), 'utf8')) as Record<string, unknown>;
        expect(hf.architectures).toEqual(['BertForMaskedLM']);
        expect(hf.tie_word_embeddings).toBe(k === 1 ? undefined : false);
        const weights = readSafetensors(path.join(c.path, 'model.safetensors')).tensors;
        expect(weights.has('cls.predictions.decoder.weight')).toBe(k !== 1);
        close(decoderNorm[c.step - 1]!, frobenius(decoderOf(weights)), NORM_TOL);
        const state = JSON.parse(fs.readFileSync(path.join(c.path, 'trainer_state.json'), 'utf8')) as { step: number; rescaleK: number };
        expect(state).toMatchObject({ step: c.step, rescaleK: k });
      }

      // A sampled evaluation at step 2, the full one (35 queries, 82 documents) at the end, also as metrics.
      expect(run.evaluations.map((e) => [e.step, e.dataset, e.split, e.metrics.sampled])).toEqual([
        [2, 'adi', 'test', 1],
        [4, 'adi', 'test', 0],
      ]);
      expect(run.evaluations[1]!.metrics).toMatchObject({ queries: 35, docs: 82 });
      expect(s['eval/ndcg@10']).toEqual(run.evaluations.map((e) => [e.step, e.metrics['ndcg@10']]));
      for (const e of run.evaluations) {
        expect(e.metrics['ndcg@10']).toBeGreaterThanOrEqual(0);
        expect(e.metrics['ndcg@10']).toBeLessThanOrEqual(1);
      }
    }

    // `lsr encode --model run:<id>` reads the run's final checkpoint: its vectors are SPLADE computed by a
    // float64 forward of those weights.
    const run = runs[2]!;
    const text = 'Sparse retrieval of technical documents';
    const input = path.join(home, 'texts.jsonl');
    fs.writeFileSync(input, JSON.stringify({ id: 'a', text }) + '\n');
    const enc = await lsr(home, ['encode', '--model', `run:${run.id}`, '--input', input, '--backend', 'wasm']);
    expect(enc.status, enc.stderr).toBe(0);
    const out = JSON.parse(enc.stdout.trim()) as { id: string; nnz: number; vector: Record<string, number> };
    const final = run.checkpoints.at(-1)!.path;
    const hfConfig = JSON.parse(fs.readFileSync(path.join(final, 'config.json'), 'utf8')) as Record<string, unknown>;
    const ids = Array.from((await Tokenizer.fromFile(path.join(final, 'tokenizer.json')).encode(text, null)).getIds());
    const ref = referenceSplade(referenceBert(hfConfig, readSafetensors(path.join(final, 'model.safetensors')).tensors, [ids], [ids.map(() => 1)]).logits[0]!, ids.length);
    let worst = 0;
    let refNnz = 0;
    ref.forEach((w, id) => {
      if (w > 1e-4) refNnz++;
      worst = Math.max(worst, Math.abs((out.vector[String(id)] ?? 0) - w) / (1e-4 + 1e-3 * w));
    });
    expect(worst).toBeLessThanOrEqual(1);
    expect(Math.abs(out.nnz - refNnz)).toBeLessThanOrEqual(Math.max(3, refNnz * 0.001));
  });
});

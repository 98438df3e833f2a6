// Timing of a SPLADE training step and of encoding on real backbones (the demo's by default), with realistic
// lengths: the first Cranfield queries and documents through each model's own tokenizer.
//
//   node --import tsx scripts/bench/backbone-step.ts [--models DIR,DIR] [--steps 4] [--batch 16] [--qlen 32]
//     [--dlen 128] [--encode-docs 256] [--backend wasm] [--padded] [--profile]
//
// Prints one JSON line per model: s/step of trainStep (one replica in this thread, in-batch CE + FLOPS,
// AdamW), of the forward and of forward+backward of queries and documents through the max-first head, and
// documents/s of SpladeEncoder on Cranfield documents; each as wall seconds and as this process's CPU
// seconds (other processes share the machine: wall time alone cannot tell waiting from working), medians
// with the minimum step too. --padded hides the model's packed path (training and encoding then run padded
// and gather the real tokens for the head); --profile adds tfjs kernel totals of one forward+backward.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ensureGradients } from '../../src/core/tensor/gradients.ts';
import { selectBackend } from '../../src/core/tensor/backend.ts';
import { loadMaskedLm } from '../../src/core/models/load.ts';
import { loadTokenizer } from '../../src/core/tokenize/load-tokenizer.ts';
import { readModelConfig } from '../../src/core/models/load.ts';
import { lossFromConfig, optimizerFromConfig } from '../../src/core/train/from-config.ts';
import { encodeSplade, trainStep, type TokenBatch, type TrainBatch } from '../../src/core/train/train-step.ts';
import { SpladeEncoder } from '../../src/core/splade/encoder.ts';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? fallback : argv[i + 1]!;
};
const root = path.resolve(import.meta.dirname, '..', '..');
const models = opt('models', 'resources/demo/models/modernbert-mini,resources/demo/models/bert-mini').split(',');
const steps = Number(opt('steps', '4'));
const batchSize = Number(opt('batch', '16'));
const qlen = Number(opt('qlen', '32'));
const dlen = Number(opt('dlen', '128'));
const encodeDocs = Number(opt('encode-docs', '256'));
const profile = argv.includes('--profile');

function smartField(file: string, field: string): string[] {
  const text = fs.readFileSync(file, 'utf8').replace(/\r/g, '');
  const out: string[] = [];
  for (const rec of text.split(/^\.I /m).slice(1)) {
    const m = rec.match(new RegExp(`^\\.${field}\\n([\\s\\S]*?)(?=^\\.[A-Z]\\b|$(?![\\s\\S]))`, 'm'));
    out.push((m?.[1] ?? '').trim());
  }
  return out;
}
const queries = smartField(path.join(root, 'data/cranfield/cran.qry'), 'W');
const docs = smartField(path.join(root, 'data/cranfield/cran.all.1400'), 'W');

function tokenBatch(seqs: number[][], padId: number): TokenBatch {
  const cols = Math.max(...seqs.map((s) => s.length));
  const ids = new Int32Array(seqs.length * cols).fill(padId);
  const mask = new Int32Array(seqs.length * cols);
  seqs.forEach((s, r) => s.forEach((id, c) => ((ids[r * cols + c] = id), (mask[r * cols + c] = 1))));
  return { inputIds: ids, attentionMask: mask, rows: seqs.length, cols };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
// CPU seconds of this process next to wall seconds: other processes share the machine, so wall time alone
// cannot tell waiting for a core from working.
const cpuTimes: number[] = [];
const time = <T>(f: () => T): [T, number] => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = f();
  const used = process.cpuUsage(c0);
  cpuTimes.push((used.user + used.system) / 1e6);
  return [r, (performance.now() - t0) / 1000];
};
const timeAsync = async (f: () => Promise<unknown>): Promise<[number, number]> => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const used = process.cpuUsage(c0);
  return [(performance.now() - t0) / 1000, (used.user + used.system) / 1e6];
};
const padded = argv.includes('--padded');

await selectBackend(opt('backend', 'wasm'));
ensureGradients();
const load0 = os.loadavg();
const report: Record<string, unknown>[] = [];
for (const rel of models) {
  const folder = path.resolve(root, rel);
  const tokenizer = await loadTokenizer(folder, readModelConfig(folder));
  const model = loadMaskedLm(folder);
  // --padded: the model's padded headHidden only.
  if (padded) Object.defineProperty(model, 'packedHeadHidden', { value: undefined });
  const qIds = (await tokenizer.encodeBatch(queries.slice(0, batchSize), qlen)).map((e) => e.ids);
  const dIds = (await tokenizer.encodeBatch(docs.slice(0, batchSize), dlen)).map((e) => e.ids);
  const batch: TrainBatch = { queries: tokenBatch(qIds, tokenizer.padId), positives: tokenBatch(dIds, tokenizer.padId), negativesPerQuery: 0 };
  const realTokens = [...qIds, ...dIds].reduce((a, s) => a + s.length, 0);
  const ctx = {
    model,
    loss: lossFromConfig({ contrastiveWeight: 1, inBatchNegatives: true, negativeScope: 'own', distillation: 'none', distillationWeight: 0, lambdaQ: 5e-4, lambdaD: 3e-4, l1Q: 0, l1D: 0, flopsWarmupSteps: 0 }),
    optimizer: optimizerFromConfig({ adamBeta1: 0.9, adamBeta2: 0.999, adamEps: 1e-8, weightDecay: 0.01 }),
    lr: () => 1e-5,
    maxGradNorm: 1,
  };
  const stepTimes: number[] = [];
  const stepCpu: number[] = [];
  for (let i = 0; i < steps + 1; i++) {
    const [, s] = time(() => trainStep(ctx, i, [batch]));
    if (i > 0) {
      stepTimes.push(s);
      stepCpu.push(cpuTimes.at(-1)!);
    }
  }
  // Forward only (training mode, no tape) and forward+backward of the model alone (no optimizer).
  const fwd: number[] = [];
  const fwdBwd: number[] = [];
  const fwdCpu: number[] = [];
  const fwdBwdCpu: number[] = [];
  const varList = [...model.variables.values()];
  for (let i = 0; i < steps; i++) {
    fwd.push(time(() => tf.tidy(() => {
      const q = encodeSplade(model, batch.queries, true);
      const d = encodeSplade(model, batch.positives, true);
      q.dataSync();
      d.dataSync();
    }))[1]);
    fwdCpu.push(cpuTimes.at(-1)!);
    fwdBwd.push(time(() => {
      const { value, grads } = tf.variableGrads(() => tf.add(tf.sum(encodeSplade(model, batch.queries, true)), tf.sum(encodeSplade(model, batch.positives, true))) as tf.Scalar, varList);
      for (const g of Object.values(grads)) g.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    })[1]);
    fwdBwdCpu.push(cpuTimes.at(-1)!);
  }
  let kernels: string | undefined;
  if (profile) {
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.add(tf.sum(encodeSplade(model, batch.queries, true)), tf.sum(encodeSplade(model, batch.positives, true))) as tf.Scalar, varList);
      for (const g of Object.values(grads)) g.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    });
    const by = new Map<string, { ms: number; n: number }>();
    for (const k of info.kernels) {
      const e = by.get(k.name) ?? { ms: 0, n: 0 };
      e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      e.n++;
      by.set(k.name, e);
    }
    kernels = [...by.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14).map(([n, e]) => `${n} ${e.ms.toFixed(0)}ms/${e.n}`).join(', ');
  }
  const encoder = new SpladeEncoder(model, tokenizer, { queryMaxLength: qlen, documentMaxLength: dlen });
  const items = docs.slice(0, encodeDocs);
  await encoder.encodeTexts(items.slice(0, 32), 'document');
  const [encS, encCpu] = await timeAsync(() => encoder.encodeTexts(items, 'document'));
  const row = {
    model: path.basename(folder),
    path: padded ? 'padded' : 'packed when the model has it',
    step_s: +median(stepTimes).toFixed(3),
    step_cpu_s: +median(stepCpu).toFixed(3),
    step_cpu_min_s: +Math.min(...stepCpu).toFixed(3),
    fwd_s: +median(fwd).toFixed(3),
    fwd_cpu_s: +median(fwdCpu).toFixed(3),
    fwd_bwd_s: +median(fwdBwd).toFixed(3),
    fwd_bwd_cpu_s: +median(fwdBwdCpu).toFixed(3),
    real_tokens: realTokens,
    padded_tokens: batch.queries.rows * batch.queries.cols + batch.positives.rows * batch.positives.cols,
    encode_docs_per_s: +(items.length / encS).toFixed(1),
    encode_docs_per_cpu_s: +(items.length / encCpu).toFixed(1),
    ...(kernels ? { kernels } : {}),
  };
  console.log(JSON.stringify(row));
  report.push(row);
  ctx.optimizer.dispose();
  model.dispose();
}
console.log(JSON.stringify({ loadavg_before: load0.map((x) => +x.toFixed(2)), loadavg_after: os.loadavg().map((x) => +x.toFixed(2)) }));

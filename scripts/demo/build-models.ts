// Rebuilds the two demo backbones in resources/demo/models/ (`npm run build:demo-models`):
//   1. the pretraining corpus (npm run build:demo-corpus) when .cache/demo-corpus/ lacks it;
//   2. `lsr pretrain-mlm` of each backbone into .cache/demo-models/<id>/ (resumed from its checkpoints when a
//      run was cut off; skipped when it already finished);
//   3. the packaged model: config, weights in F16, tokenizer files, pretrain-summary.json, head-stats.json
//      (`lsr head-stats --k 1,4,16`) and MODEL_CARD.md.
//
//   node --import tsx scripts/demo/build-models.ts [--only ID[,ID]] [--parallel] [--package-only] [--work DIR] [--out DIR]
//
//   --only          build only these backbones (bert-mini, modernbert-mini)
//   --parallel      pretrain the backbones at the same time (one process each) instead of one after the other
//   --package-only  do not train: package what .cache/demo-models/<id>/ holds (a finished run)
//   --work, --out   the pretraining folder (default .cache/demo-models) and the output (resources/demo/models)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, writeSafetensors } from '../../src/core/io/safetensors.ts';
import type { PretrainSummary } from '../../src/core/pretrain/run.ts';
import type { HeadStats } from '../../src/core/splade/head-stats.ts';
import { writeModelCard, type CorpusCard } from './model-card.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpusDir = path.join(root, '.cache/demo-corpus');
const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const workRoot = path.resolve(option('--work') ?? path.join(root, '.cache/demo-models'));
const outRoot = path.resolve(option('--out') ?? path.join(root, 'resources/demo/models'));

export interface BackboneRecipe {
  id: string;
  config: string;
  tokenizer: string;
  steps: number;
  /** Linear warm-up steps (given explicitly, so that a resumed run with other --steps keeps them). */
  warmupSteps: number;
  evalEvery: number;
  /** How the committed model's run actually went, when it differs from one uninterrupted run of this recipe. */
  history?: string;
}

/**
 * Sized for a 2-core machine shared with other work (docs/demo.md). ModernBERT masks 30% of the tokens and
 * has a 65% larger vocabulary, so a step costs about 2.5× a BERT step: it gets fewer steps.
 */
export const RECIPES: readonly BackboneRecipe[] = [
  {
    id: 'bert-mini',
    config: 'scripts/demo/configs/bert-mini.json',
    tokenizer: 'resources/demo/tokenizers/bert-base-uncased',
    steps: 800,
    warmupSteps: 60,
    evalEvery: 200,
    history:
      'The committed model was started with `--steps 1000 --eval-every 250` and resumed from its step-200 checkpoint with ' +
      '`--steps 800 --eval-every 200` when the shared machine turned out slower than planned; the learning rate ' +
      'decays linearly to 0 at step 800 from there (a 4% step down in the learning rate at step 200).',
  },
  {
    id: 'modernbert-mini',
    config: 'scripts/demo/configs/modernbert-mini.json',
    tokenizer: 'resources/demo/tokenizers/modernbert',
    steps: 300,
    warmupSteps: 30,
    evalEvery: 100,
    history:
      'The committed model was started with `--steps 500 --eval-every 125` and resumed from its step-100 checkpoint with ' +
      '`--steps 300 --eval-every 100` when the shared machine turned out slower than planned; the learning rate ' +
      'decays linearly to 0 at step 300 from there (an 8% step down in the learning rate at step 100).',
  },
];

/** Shared by both backbones. */
export const COMMON = { batchSize: 16, maxLength: 128, lr: 1e-3, seed: 42, checkpointEvery: 100 };

function lsr(): string {
  return path.join(root, 'bin/lsr.mjs');
}

function pretrainArgs(r: BackboneRecipe, workDir: string, resume: boolean): string[] {
  return [
    lsr(), 'pretrain-mlm',
    '--config', path.join(root, r.config),
    '--tokenizer', path.join(root, r.tokenizer),
    '--corpus', path.join(corpusDir, 'corpus.txt'),
    '--heldout', path.join(corpusDir, 'heldout.txt'),
    '--out', workDir,
    '--steps', String(r.steps),
    '--warmup-steps', String(r.warmupSteps),
    '--batch-size', String(COMMON.batchSize),
    '--max-length', String(COMMON.maxLength),
    '--lr', String(COMMON.lr),
    '--seed', String(COMMON.seed),
    '--eval-every', String(r.evalEvery),
    '--checkpoint-every', String(COMMON.checkpointEvery),
    '--json',
    ...(resume ? ['--resume'] : []),
  ];
}

function finishedSummary(workDir: string, steps: number): PretrainSummary | undefined {
  const file = path.join(workDir, 'pretrain-summary.json');
  if (!fs.existsSync(file)) return undefined;
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as PretrainSummary;
  return s.steps === steps ? s : undefined;
}

function log(line: string): void {
  process.stderr.write(`[demo-models] ${line}\n`);
}

/** Runs one pretraining to its end; progress lines go to .cache/demo-models/logs/<id>.err. */
function pretrain(r: BackboneRecipe): Promise<void> {
  const workDir = path.join(workRoot, r.id);
  if (finishedSummary(workDir, r.steps)) {
    log(`${r.id}: pretraining already finished (${workDir})`);
    return Promise.resolve();
  }
  const resume = fs.existsSync(path.join(workDir, 'checkpoints'));
  if (!resume) fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(workRoot, 'logs'), { recursive: true });
  const logFile = path.join(workRoot, 'logs', `${r.id}.err`);
  log(`${r.id}: ${resume ? 'resuming' : 'starting'} pretraining (${r.steps} steps); progress in ${logFile}`);
  const err = fs.openSync(logFile, resume ? 'a' : 'w');
  const child = spawn(process.execPath, pretrainArgs(r, workDir, resume), { stdio: ['ignore', 'ignore', err] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      fs.closeSync(err);
      if (code === 0) resolve();
      else reject(new Error(`${r.id}: lsr pretrain-mlm exited with ${code}; see ${logFile}`));
    });
  });
}

function headStats(modelDir: string): HeadStats {
  const res = spawnSync(process.execPath, [lsr(), 'head-stats', '--model', modelDir, '--k', '1,4,16', '--json'], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`lsr head-stats failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as HeadStats;
}

/** Copies the finished model into resources/demo/models/<id>/ with F16 weights, then writes its card. */
function packageModel(r: BackboneRecipe, corpusCard: CorpusCard): void {
  const workDir = path.join(workRoot, r.id);
  const summary = finishedSummary(workDir, r.steps);
  if (!summary) throw new Error(`${r.id}: no finished pretraining in ${workDir}`);
  const out = path.join(outRoot, r.id);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  for (const f of fs.readdirSync(workDir)) {
    if (f === 'model.safetensors' || f === 'checkpoints' || f === 'pretrain-summary.json') continue;
    if (fs.statSync(path.join(workDir, f)).isFile()) fs.copyFileSync(path.join(workDir, f), path.join(out, f));
  }
  const weights = readSafetensors(path.join(workDir, 'model.safetensors'));
  if (weights.skipped.length > 0) throw new Error(`${r.id}: unexpected non-float tensors ${weights.skipped.map((s) => s.name).join(', ')}`);
  let maxAbs = 0;
  for (const t of weights.tensors.values()) for (const v of t.data) maxAbs = Math.max(maxAbs, Math.abs(v));
  if (!(maxAbs < 65504)) throw new Error(`${r.id}: a weight (|w| = ${maxAbs}) does not fit in float16`);
  writeSafetensors(path.join(out, 'model.safetensors'), weights.tensors, { dtype: 'F16', metadata: { source: 'lsr pretrain-mlm (scripts/demo/build-models.ts)' } });
  // Paths in the summary are made relative so the committed file does not name this machine.
  const shown: PretrainSummary = { ...summary, out: path.relative(root, workDir) };
  fs.writeFileSync(path.join(out, 'pretrain-summary.json'), JSON.stringify(shown, null, 2) + '\n');
  log(`${r.id}: measuring the MLM head (lsr head-stats --k 1,4,16)`);
  const stats = headStats(out);
  fs.writeFileSync(path.join(out, 'head-stats.json'), JSON.stringify(stats, null, 2) + '\n');
  const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeModelCard(path.join(out, 'MODEL_CARD.md'), { id: r.id, recipe: r, common: COMMON, config, summary, stats, corpusCard, weightsBytes: fs.statSync(path.join(out, 'model.safetensors')).size, maxAbsWeight: maxAbs });
  log(`${r.id}: packaged in ${out}`);
}

async function main(): Promise<void> {
  const only = option('--only')?.split(',') ?? RECIPES.map((r) => r.id);
  const recipes = RECIPES.filter((r) => only.includes(r.id));
  if (recipes.length === 0) throw new Error(`--only: expected one of ${RECIPES.map((r) => r.id).join(', ')}`);

  if (!fs.existsSync(path.join(corpusDir, 'corpus.txt')) || !fs.existsSync(path.join(corpusDir, 'corpus-card.json'))) {
    log('building the pretraining corpus (npm run build:demo-corpus)');
    const res = spawnSync(process.execPath, [path.join(root, 'scripts/demo-corpus/build-corpus.mjs')], { stdio: 'inherit' });
    if (res.status !== 0) throw new Error('build:demo-corpus failed');
  }
  const corpusCard = JSON.parse(fs.readFileSync(path.join(corpusDir, 'corpus-card.json'), 'utf8')) as CorpusCard;

  if (!argv.includes('--package-only')) {
    if (argv.includes('--parallel')) await Promise.all(recipes.map(pretrain));
    else for (const r of recipes) await pretrain(r);
  }
  for (const r of recipes) packageModel(r, corpusCard);
}

await main();

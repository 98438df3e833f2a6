// Rebuilds the two demo backbones in resources/demo/models/ (`npm run build:demo-models`):
//   1. the pretraining corpus (npm run build:demo-corpus) when .cache/demo-corpus/ lacks it;
//   2. `lsr pretrain-mlm` of each backbone, stage after stage (scripts/demo/recipes.ts), into
//      .cache/demo-models/<id>[-stage<n>]/ (resumed from its checkpoints when a run was cut off; skipped when it
//      already finished);
//   3. the packaged model: config, weights in F16, tokenizer files, pretrain-summary.json, head-stats.json
//      (`lsr head-stats --k 1,4,16`) and MODEL_CARD.md.
//
//   node --import tsx scripts/demo/build-models.ts [--only ID[,ID]] [--parallel] [--package-only] [--work DIR] [--out DIR]
//
//   --only          build only these backbones (bert-mini, modernbert-mini)
//   --parallel      pretrain the backbones at the same time (one process each) instead of one after the other
//   --package-only  do not train: package what the stages' folders in .cache/demo-models/ hold (finished runs)
//   --work, --out   the pretraining folder (default .cache/demo-models) and the output (resources/demo/models)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, writeSafetensors } from '../../src/core/io/safetensors.ts';
import type { PretrainSummary } from '../../src/core/pretrain/run.ts';
import type { HeadStats } from '../../src/core/splade/head-stats.ts';
import { writeModelCard, type CorpusCard } from './model-card.ts';
import { FILL_MASK_PROBES, RECIPES, stageArgs, stageDirName, type BackboneRecipe } from './recipes.ts';
import type { FillMaskResult } from '../../src/core/pretrain/fill-mask.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpusDir = path.join(root, '.cache/demo-corpus');
const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const workRoot = path.resolve(option('--work') ?? path.join(root, '.cache/demo-models'));
const outRoot = path.resolve(option('--out') ?? path.join(root, 'resources/demo/models'));

function lsr(): string {
  return path.join(root, 'bin/lsr.mjs');
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

/** Runs one stage to its end; progress lines go to <work>/logs/<stage folder>.err. */
function pretrainStage(r: BackboneRecipe, stage: number): Promise<void> {
  const name = stageDirName(r.id, stage);
  const workDir = path.join(workRoot, name);
  const { steps } = r.stages[stage]!;
  if (finishedSummary(workDir, steps)) {
    log(`${name}: pretraining already finished (${workDir})`);
    return Promise.resolve();
  }
  const resume = fs.existsSync(path.join(workDir, 'checkpoints'));
  if (!resume) fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(workRoot, 'logs'), { recursive: true });
  const logFile = path.join(workRoot, 'logs', `${name}.err`);
  log(`${name}: ${resume ? 'resuming' : 'starting'} pretraining (${steps} steps); progress in ${logFile}`);
  const err = fs.openSync(logFile, resume ? 'a' : 'w');
  const args = stageArgs(r, stage, { repo: root, corpus: corpusDir, work: workRoot }, resume);
  const child = spawn(process.execPath, [lsr(), 'pretrain-mlm', ...args, '--json'], { stdio: ['ignore', 'ignore', err] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      fs.closeSync(err);
      if (code === 0) resolve();
      else reject(new Error(`${name}: lsr pretrain-mlm exited with ${code}; see ${logFile}`));
    });
  });
}

async function pretrain(r: BackboneRecipe): Promise<void> {
  for (let stage = 0; stage < r.stages.length; stage++) await pretrainStage(r, stage);
}

function fillMaskProbes(modelDir: string): FillMaskResult[] {
  const res = spawnSync(process.execPath, [lsr(), 'fill-mask', '--model', modelDir, '--top', '5', '--json', ...FILL_MASK_PROBES], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`lsr fill-mask failed: ${res.stderr}`);
  return res.stdout.trim().split('\n').map((l) => JSON.parse(l) as FillMaskResult);
}

function headStats(modelDir: string): HeadStats {
  const res = spawnSync(process.execPath, [lsr(), 'head-stats', '--model', modelDir, '--k', '1,4,16', '--json'], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`lsr head-stats failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as HeadStats;
}

/** Copies the finished model into resources/demo/models/<id>/ with F16 weights, then writes its card. */
/** Copies the last stage's model into resources/demo/models/<id>/ with F16 weights, then writes its card. */
function packageModel(r: BackboneRecipe, corpusCard: CorpusCard): void {
  const summaries = r.stages.map((st, i) => {
    const dir = path.join(workRoot, stageDirName(r.id, i));
    const summary = finishedSummary(dir, st.steps);
    if (!summary) throw new Error(`${stageDirName(r.id, i)}: no finished pretraining in ${dir}`);
    // Paths are made relative so the committed files do not name this machine.
    return { ...summary, out: path.relative(root, dir) };
  });
  const workDir = path.join(workRoot, stageDirName(r.id, r.stages.length - 1));
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
  fs.writeFileSync(path.join(out, 'pretrain-summary.json'), JSON.stringify({ stages: summaries }, null, 2) + '\n');
  log(`${r.id}: measuring the MLM head (lsr head-stats --k 1,4,16)`);
  const stats = headStats(out);
  fs.writeFileSync(path.join(out, 'head-stats.json'), JSON.stringify(stats, null, 2) + '\n');
  const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
  const fillMask = fillMaskProbes(out);
  writeModelCard(path.join(out, 'MODEL_CARD.md'), { id: r.id, recipe: r, config, summaries, stats, fillMask, corpusCard, weightsBytes: fs.statSync(path.join(out, 'model.safetensors')).size, maxAbsWeight: maxAbs });
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

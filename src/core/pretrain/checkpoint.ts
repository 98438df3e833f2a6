import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { readSafetensors, writeSafetensors } from '../io/safetensors.ts';
import type { MaskedLmModel, WeightMap } from '../models/types.ts';
import type { AdamWState } from '../train/adamw.ts';

/*
 * A pretraining checkpoint is a Hugging Face model folder (config.json, model.safetensors, the tokenizer
 * files) that `from_pretrained` and every `lsr` command load as it is, plus what an exact resume needs:
 * optimizer.safetensors (AdamW moments, `<param>/exp_avg` and `<param>/exp_avg_sq`) and
 * trainer-state.json (step, options, RNG state, optimizer counts, loss history, held-out evaluations).
 */

export const CHECKPOINTS_DIR = 'checkpoints';
export const TRAINER_STATE = 'trainer-state.json';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const MODEL_FILE = 'model.safetensors';

/** Tokenizer files copied next to the weights, when the tokenizer folder has them. */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.txt',
  'vocab.json',
  'merges.txt',
  'added_tokens.json',
];

export interface StepRecord {
  step: number;
  loss: number;
  accuracy: number;
}

export interface EvalRecord {
  step: number;
  accuracy: number;
  loss: number;
  maskedTokens: number;
}

export interface TrainerState {
  format: 'lsr-pretrain/1';
  /** Updates completed. */
  step: number;
  /** The options that decide the trajectory; a resume must match them. */
  options: Record<string, unknown>;
  maskingRng: number[];
  optimizer: AdamWState['json'];
  history: StepRecord[];
  evaluations: EvalRecord[];
  /** Seconds spent in training steps so far (all sessions). */
  trainSeconds: number;
  /** Wall-clock seconds of the run so far (all sessions). */
  wallSeconds: number;
  tokensSeen: number;
}

export function copyTokenizerFiles(tokenizerDir: string, dir: string): void {
  for (const f of TOKENIZER_FILES) {
    const from = path.join(tokenizerDir, f);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(dir, f));
  }
}

/** config.json + model.safetensors (F32) + tokenizer files into `dir`. */
export function writeModelFolder(dir: string, model: MaskedLmModel, tokenizerDir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(model.exportConfig(), null, 2) + '\n');
  writeSafetensors(path.join(dir, MODEL_FILE), model.exportWeights());
  copyTokenizerFiles(tokenizerDir, dir);
}

/** Folder of the checkpoint after `step` updates. */
export function checkpointDir(outDir: string, step: number): string {
  return path.join(outDir, CHECKPOINTS_DIR, `step-${String(step).padStart(7, '0')}`);
}

/** Writes a checkpoint atomically (a temporary folder renamed into place) and returns its folder. */
export function saveCheckpoint(
  outDir: string,
  model: MaskedLmModel,
  tokenizerDir: string,
  optimizer: AdamWState,
  state: Omit<TrainerState, 'optimizer'>,
): string {
  const final = checkpointDir(outDir, state.step);
  const tmp = `${final}.partial`;
  fs.rmSync(tmp, { recursive: true, force: true });
  writeModelFolder(tmp, model, tokenizerDir);
  const moments = [...optimizer.tensors].map(([name, data]): [string, { shape: number[]; data: Float32Array }] => [name, { shape: [data.length], data }]);
  writeSafetensors(path.join(tmp, OPTIMIZER_FILE), moments);
  const full: TrainerState = { ...state, optimizer: optimizer.json };
  fs.writeFileSync(path.join(tmp, TRAINER_STATE), JSON.stringify(full) + '\n');
  fs.rmSync(final, { recursive: true, force: true });
  fs.renameSync(tmp, final);
  return final;
}

/** Complete checkpoints under `outDir`, oldest first. */
export function listCheckpoints(outDir: string): { step: number; dir: string }[] {
  const root = path.join(outDir, CHECKPOINTS_DIR);
  if (!fs.existsSync(root)) return [];
  const found: { step: number; dir: string }[] = [];
  for (const name of fs.readdirSync(root)) {
    const m = /^step-(\d+)$/.exec(name);
    if (m && fs.existsSync(path.join(root, name, TRAINER_STATE))) found.push({ step: Number(m[1]), dir: path.join(root, name) });
  }
  return found.sort((a, b) => a.step - b.step);
}

/** Removes all but the newest `keep` checkpoints (keep ≤ 0 keeps all). */
export function pruneCheckpoints(outDir: string, keep: number): void {
  if (keep <= 0) return;
  const all = listCheckpoints(outDir);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) fs.rmSync(c.dir, { recursive: true, force: true });
}

export interface LoadedCheckpoint {
  dir: string;
  config: Record<string, unknown>;
  weights: WeightMap;
  weightsFile: string;
  state: TrainerState;
  optimizer: AdamWState;
}

function readJsonFile(file: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`cannot read checkpoint file (${(err as Error).message})`, { file });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError('expected a JSON object', { file });
  return json as Record<string, unknown>;
}

/** The trainer state alone (options, step, history), without reading the weights. */
export function loadCheckpointState(dir: string): TrainerState {
  const stateFile = path.join(dir, TRAINER_STATE);
  const state = readJsonFile(stateFile) as unknown as TrainerState;
  if (state.format !== 'lsr-pretrain/1') throw new InputError(`unknown trainer state format ${JSON.stringify(state.format)}`, { file: stateFile, field: 'format' });
  return state;
}

export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const state = loadCheckpointState(dir);
  const config = readJsonFile(path.join(dir, 'config.json'));
  const weightsFile = path.join(dir, MODEL_FILE);
  const weights = readSafetensors(weightsFile).tensors;
  const moments = readSafetensors(path.join(dir, OPTIMIZER_FILE)).tensors;
  const tensors = new Map<string, Float32Array>();
  for (const [name, t] of moments) tensors.set(name, t.data);
  return { dir, config, weights, weightsFile, state, optimizer: { json: state.optimizer, tensors } };
}

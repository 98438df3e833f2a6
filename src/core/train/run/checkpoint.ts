import fs from 'node:fs';
import path from 'node:path';
import { readSafetensors, writeSafetensors } from '../../io/safetensors.ts';
import { saveMaskedLm } from '../../models/load.ts';
import type { MaskedLmModel } from '../../models/types.ts';
import type { AdamW, AdamWState } from '../adamw.ts';
import type { CollapseCounters } from '../collapse.ts';

export const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json'] as const;
const OPTIMIZER_FILE = 'optimizer.safetensors';
const STATE_FILE = 'trainer_state.json';

/** What a checkpoint holds beyond the Hugging Face model folder, to continue training exactly. */
export interface TrainerState {
  format: 'lsr-trainer/1';
  /** Optimizer updates completed. */
  step: number;
  optimizer: AdamWState['json'];
  collapse: CollapseCounters;
  /**
   * Cumulative MLM-head rescale factor already applied to the saved weights. Given by the trainer: a model
   * loaded from a checkpoint no longer knows it (its `info.rescaleK` starts at 1 again).
   */
  rescaleK: number;
}

/**
 * Saves a checkpoint folder: `config.json` + `model.safetensors` (rescaled head untied) + the tokenizer files,
 * which `from_pretrained` loads, plus `optimizer.safetensors` and `trainer_state.json` for resuming. Written
 * to a temporary folder, then renamed, so a kill mid-save never leaves a half checkpoint behind.
 */
export function saveTrainingCheckpoint(
  dir: string,
  model: MaskedLmModel,
  tokenizerFrom: string,
  optimizer: AdamW,
  state: Omit<TrainerState, 'format' | 'optimizer'>,
): void {
  const tmp = `${dir}.partial`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  saveMaskedLm(model, tmp);
  for (const name of TOKENIZER_FILES) {
    const src = path.join(tokenizerFrom, name);
    if (fs.existsSync(src)) fs.copyFileSync(src, path.join(tmp, name));
  }
  const opt = optimizer.getState();
  const tensors: [string, { shape: number[]; data: Float32Array }][] = [];
  for (const [name, data] of opt.tensors) tensors.push([name, { shape: [data.length], data }]);
  writeSafetensors(path.join(tmp, OPTIMIZER_FILE), tensors);
  const full: TrainerState = { format: 'lsr-trainer/1', optimizer: opt.json, ...state };
  fs.writeFileSync(path.join(tmp, STATE_FILE), JSON.stringify(full, null, 1) + '\n');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}

/** Reads the resume state of a checkpoint folder and loads the optimizer moments into `optimizer`. */
export function loadTrainerState(dir: string, optimizer: AdamW): TrainerState {
  const file = path.join(dir, STATE_FILE);
  if (!fs.existsSync(file)) throw new Error(`checkpoint ${dir} has no ${STATE_FILE}; it cannot be resumed`);
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as TrainerState;
  if (state.format !== 'lsr-trainer/1') throw new Error(`${file}: unknown format "${String(state.format)}"`);
  const contents = readSafetensors(path.join(dir, OPTIMIZER_FILE));
  const tensors = new Map<string, Float32Array>();
  for (const [name, t] of contents.tensors) tensors.set(name, t.data);
  optimizer.setState({ json: state.optimizer, tensors });
  return state;
}

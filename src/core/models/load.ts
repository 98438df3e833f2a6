import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { readSafetensors, writeSafetensors, type WritableDtype } from '../io/safetensors.ts';
import { readShardedSafetensors, SAFETENSORS_INDEX } from '../io/safetensors-index.ts';
import { CONFIG_FILE, readConfigJson } from './config.ts';
import { resolveArchitecture } from './registry.ts';
import type { MaskedLmModel, WeightMap } from './types.ts';

export const SAFETENSORS_FILE = 'model.safetensors';

export function assertModelFolder(folder: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(folder);
  } catch {
    throw new InputError('model folder not found', { file: folder });
  }
  if (!stat.isDirectory()) throw new InputError('expected a model folder (config.json, model.safetensors, tokenizer)', { file: folder });
}

/** The checkpoint file of a folder: `model.safetensors`, else the sharded index. */
export function locateWeights(folder: string): { file: string; sharded: boolean } {
  const single = path.join(folder, SAFETENSORS_FILE);
  if (fs.existsSync(single)) return { file: single, sharded: false };
  const index = path.join(folder, SAFETENSORS_INDEX);
  if (fs.existsSync(index)) return { file: index, sharded: true };
  const legacy = ['pytorch_model.bin', 'pytorch_model.bin.index.json', 'tf_model.h5'].find((f) => fs.existsSync(path.join(folder, f)));
  throw new InputError(
    legacy
      ? `only safetensors checkpoints are supported, found ${legacy} (convert it with save_pretrained(..., safe_serialization=True))`
      : `no ${SAFETENSORS_FILE} or ${SAFETENSORS_INDEX}`,
    { file: folder },
  );
}

export function readCheckpointWeights(folder: string): { weights: WeightMap; source: string } {
  const { file, sharded } = locateWeights(folder);
  const contents = sharded ? readShardedSafetensors(file) : readSafetensors(file);
  return { weights: contents.tensors, source: file };
}

/** Loads a masked LM from a Hugging Face folder. The tensor backend must already be selected. */
export function loadMaskedLm(folder: string): MaskedLmModel {
  assertModelFolder(folder);
  const config = readConfigJson(folder);
  const { build } = resolveArchitecture(config, path.join(folder, CONFIG_FILE));
  const { weights, source } = readCheckpointWeights(folder);
  return build(config, weights, source);
}

/** Reads config.json only (no weights): enough for tokenization limits and head-stats metadata. */
export function readModelConfig(folder: string): Record<string, unknown> {
  assertModelFolder(folder);
  return readConfigJson(folder);
}

/** Writes `config.json` and `model.safetensors` the way `save_pretrained` does (tied decoder left out). */
export function saveMaskedLm(model: MaskedLmModel, folder: string, opts: { dtype?: WritableDtype } = {}): void {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, CONFIG_FILE), JSON.stringify(model.exportConfig(), null, 2) + '\n');
  writeSafetensors(path.join(folder, SAFETENSORS_FILE), model.exportWeights(), { dtype: opts.dtype });
}

import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { loadMaskedLm, readModelConfig, saveMaskedLm } from '../models/load.ts';
import type { MlmModelInfo } from '../models/types.ts';
import { rescaleHead } from '../splade/rescale.ts';
import { readTokenizerSettings } from '../tokenize/tokenizer-config.ts';
import { copyTokenizerFiles } from './tokenizer-files.ts';

export interface HfExportOptions {
  /** Divides the MLM-head decoder weight and bias by k (after untying); default 1. */
  k?: number;
  /** Token limit recorded for the tokenizer (default: the model's and tokenizer's limit). */
  maxLength?: number;
}

export interface HfExportResult {
  /** Files written, relative to the output folder. */
  files: string[];
  info: MlmModelInfo;
  config: Record<string, unknown>;
  /** The limit the exported model should truncate inputs at: min(max positions, tokenizer limit). */
  maxLength: number;
}

/**
 * Writes a folder `from_pretrained` loads: `config.json` and `model.safetensors` (float32, Hugging Face names
 * and layout; the rescaled head saved untied with `tie_word_embeddings: false`) plus the tokenizer files.
 * Nothing else: optimizer state and trainer state of a run checkpoint stay behind. The model is read and
 * saved through the engine, so the weights are exactly the ones `lsr encode` uses. The tensor backend must
 * already be selected.
 */
export function exportHfFolder(source: string, out: string, opts: HfExportOptions = {}): HfExportResult {
  const config = readModelConfig(source);
  if (!fs.existsSync(path.join(source, 'tokenizer.json')) && !fs.existsSync(path.join(source, 'vocab.txt'))) {
    throw new InputError('no tokenizer in the model folder (tokenizer.json or vocab.txt)', { file: source });
  }
  const model = loadMaskedLm(source);
  try {
    rescaleHead(model, opts.k ?? 1);
    saveMaskedLm(model, out);
    const info = { ...model.info };
    const tokenizerLimit = readTokenizerSettings(source).modelMaxLength;
    const maxLength = opts.maxLength ?? Math.min(info.maxPositions, tokenizerLimit ?? Infinity);
    const modelType = typeof config.model_type === 'string' ? config.model_type : undefined;
    const tokenizerFiles = copyTokenizerFiles(source, out, { modelType, maxLength });
    const exportedConfig = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    return { files: ['config.json', 'model.safetensors', ...tokenizerFiles].sort(), info, config: exportedConfig, maxLength };
  } finally {
    model.dispose();
  }
}

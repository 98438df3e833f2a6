import { InputError } from '../errors.ts';
import { buildBert } from '../models/bert/index.ts';
import { buildModernBert } from '../models/modernbert/index.ts';
import type { MaskedLmModel, WeightMap } from '../models/types.ts';
import type { Rng } from '../train/rng.ts';
import { initBertWeights, initModernBertWeights } from './init-weights.ts';

/** An architecture that can be pretrained from scratch. */
export interface PretrainArchitecture {
  name: string;
  /** Masking probability of the architecture's own recipe. */
  defaultMaskProb: number;
  init(config: Record<string, unknown>, configFile: string, rng: Rng): WeightMap;
  /** `source` names the weights (a checkpoint file, or the config for fresh weights) in errors. */
  build(config: Record<string, unknown>, weights: WeightMap, source: string): MaskedLmModel;
}

const ARCHITECTURES: readonly PretrainArchitecture[] = [
  // Devlin et al. 2019: 15%.
  { name: 'BertForMaskedLM', defaultMaskProb: 0.15, init: initBertWeights, build: buildBert },
  // Warner et al. 2024 (ModernBERT) and the Ettin encoders: 30%.
  { name: 'ModernBertForMaskedLM', defaultMaskProb: 0.3, init: initModernBertWeights, build: buildModernBert },
];

const BY_MODEL_TYPE: Record<string, string> = { bert: 'BertForMaskedLM', modernbert: 'ModernBertForMaskedLM' };

/** The architecture a config.json asks for (`architectures`, else `model_type`). */
export function pretrainArchitecture(config: Record<string, unknown>, configFile: string): PretrainArchitecture {
  const listed = config.architectures;
  let names: string[];
  if (Array.isArray(listed) && listed.length > 0 && listed.every((a) => typeof a === 'string')) {
    names = (listed as string[]).map((n) => (n === 'BertForPreTraining' ? 'BertForMaskedLM' : n));
  } else if (listed === undefined || listed === null) {
    const byType = typeof config.model_type === 'string' ? BY_MODEL_TYPE[config.model_type] : undefined;
    if (!byType) throw new InputError('missing, and model_type names no architecture this command can pretrain', { file: configFile, field: 'architectures' });
    names = [byType];
  } else {
    throw new InputError('expected a list of architecture names', { file: configFile, field: 'architectures' });
  }
  const found = ARCHITECTURES.find((a) => names.includes(a.name));
  if (!found) {
    throw new InputError(`cannot pretrain ${names.join(', ')}; supported: ${ARCHITECTURES.map((a) => a.name).join(', ')}`, {
      file: configFile,
      field: 'architectures',
    });
  }
  return found;
}

/**
 * The config a fresh model is built from: the given one with its architecture pinned and `vocab_size` /
 * `pad_token_id` made to agree with the tokenizer (the tokenizer wins; each change is reported through
 * `warn`, since a config meant for another tokenizer is a likely mistake).
 */
export function alignConfigWithTokenizer(
  config: Record<string, unknown>,
  arch: PretrainArchitecture,
  tokenizer: { vocabSize: number; padId: number },
  configFile: string,
  warn: (message: string) => void,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...structuredClone(config), architectures: [arch.name] };
  if (out.vocab_size !== tokenizer.vocabSize) {
    if (out.vocab_size !== undefined) warn(`${configFile}: vocab_size ${JSON.stringify(out.vocab_size)} differs from the tokenizer's ${tokenizer.vocabSize}; using ${tokenizer.vocabSize}`);
    out.vocab_size = tokenizer.vocabSize;
  }
  if (out.pad_token_id !== tokenizer.padId) {
    if (out.pad_token_id !== undefined) {
      warn(`${configFile}: pad_token_id ${JSON.stringify(out.pad_token_id)} differs from the tokenizer's ${tokenizer.padId}; using ${tokenizer.padId}`);
    }
    out.pad_token_id = tokenizer.padId;
  }
  return out;
}

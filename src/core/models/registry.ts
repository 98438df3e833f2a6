import { InputError } from '../errors.ts';
import { buildBert } from './bert/index.ts';
import { buildDistilBert } from './distilbert/index.ts';
import { buildModernBert } from './modernbert/index.ts';
import type { MaskedLmModel, WeightMap } from './types.ts';

/**
 * Builds a model from its `config.json` content (snake_case, as written) and its checkpoint tensors.
 * `source` is the checkpoint file the weights came from (`…/model.safetensors` or the sharded index), used in
 * error messages; its folder holds `config.json`.
 */
export type ArchitectureBuilder = (config: Record<string, unknown>, weights: WeightMap, source: string) => MaskedLmModel;

/** Architecture name (as in config.json `architectures`) → builder. */
const BUILDERS = new Map<string, ArchitectureBuilder>([
  ['BertForMaskedLM', buildBert],
  // Pre-training checkpoints carry the same MLM head (plus a next-sentence head, ignored).
  ['BertForPreTraining', buildBert],
  ['DistilBertForMaskedLM', buildDistilBert],
  ['ModernBertForMaskedLM', buildModernBert],
]);

/** Used when config.json has no `architectures` list. */
const BY_MODEL_TYPE: Record<string, string> = {
  bert: 'BertForMaskedLM',
  distilbert: 'DistilBertForMaskedLM',
  modernbert: 'ModernBertForMaskedLM',
};

export function supportedArchitectures(): string[] {
  return [...BUILDERS.keys()];
}

/** The first architecture of `config.architectures` that has a builder, or an InputError naming the field. */
export function resolveArchitecture(config: Record<string, unknown>, configFile: string): { name: string; build: ArchitectureBuilder } {
  const listed = config.architectures;
  let candidates: string[];
  if (listed === undefined || listed === null) {
    const byType = typeof config.model_type === 'string' ? BY_MODEL_TYPE[config.model_type] : undefined;
    if (byType === undefined) {
      throw new InputError(`missing (and model_type ${JSON.stringify(config.model_type)} names no known masked LM)`, {
        file: configFile,
        field: 'architectures',
      });
    }
    candidates = [byType];
  } else if (Array.isArray(listed) && listed.every((a) => typeof a === 'string')) {
    candidates = listed as string[];
  } else {
    throw new InputError('expected a list of architecture names', { file: configFile, field: 'architectures' });
  }
  for (const name of candidates) {
    const build = BUILDERS.get(name);
    if (build) return { name, build };
  }
  throw new InputError(
    `unsupported architecture ${candidates.map((c) => JSON.stringify(c)).join(', ') || '(none listed)'}; supported: ${supportedArchitectures().join(', ')}`,
    { file: configFile, field: 'architectures' },
  );
}

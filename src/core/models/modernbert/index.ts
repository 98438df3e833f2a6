import type { MaskedLmModel, WeightMap } from '../types.ts';
import { parseModernBertConfig } from './config.ts';
import { ModernBertMaskedLm } from './model.ts';

export { parseModernBertConfig, type ModernBertConfig } from './config.ts';

/**
 * Builds ModernBertForMaskedLM (ModernBERT, Ettin encoders) from an HF config.json object and its
 * checkpoint tensors. `source` names the checkpoint in errors (missing or mis-shaped tensors, bad config
 * fields → InputError).
 */
export const buildModernBert = (config: Record<string, unknown>, weights: WeightMap, source: string): MaskedLmModel =>
  new ModernBertMaskedLm(parseModernBertConfig(config, source), weights, source);

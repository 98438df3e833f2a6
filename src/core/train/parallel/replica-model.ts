import { BenchBertMaskedLm } from '../../bench/bench-bert.ts';
import { buildModernBert } from '../../models/modernbert/index.ts';
import type { MaskedLmModel } from '../../models/types.ts';
import type { ModelSpec } from './protocol.ts';

/**
 * Builds a replica's model from plain data. The one place that maps an architecture to its builder for the
 * worker threads; once the model engine's registry is merged this becomes a call to it.
 * BertForMaskedLM goes to the bench BERT until the engine's BERT is merged.
 */
export function buildReplicaModel(spec: ModelSpec): MaskedLmModel {
  const archs = spec.config.architectures;
  const arch = Array.isArray(archs) && typeof archs[0] === 'string' ? archs[0] : String(spec.config.model_type);
  switch (arch) {
    case 'BertForMaskedLM':
    case 'bert':
      return new BenchBertMaskedLm(spec.config, spec.weights);
    case 'ModernBertForMaskedLM':
    case 'modernbert':
      return buildModernBert(spec.config, spec.weights, 'replica weights');
    default:
      throw new Error(`no replica builder for architecture "${arch}"`);
  }
}

import type { MaskedLmModel } from '../../models/types.ts';
import { resolveArchitecture } from '../../models/registry.ts';
import type { ModelSpec } from './protocol.ts';

/** Builds a replica's model from plain data (config.json content and HF-named weights) through the engine's registry. */
export function buildReplicaModel(spec: ModelSpec): MaskedLmModel {
  const { build } = resolveArchitecture(spec.config, 'replica config.json');
  return build(spec.config, spec.weights, 'replica weights');
}

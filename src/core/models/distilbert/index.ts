import path from 'node:path';
import type { ArchitectureBuilder } from '../registry.ts';
import { CheckpointWeights } from '../weights.ts';
import { parseDistilBertConfig } from './config.ts';
import { DistilBertMaskedLm } from './model.ts';

export const buildDistilBert: ArchitectureBuilder = (config, weights, source) => {
  const configFile = path.join(path.dirname(source), 'config.json');
  return new DistilBertMaskedLm(parseDistilBertConfig(config, configFile), config, new CheckpointWeights(weights, source), configFile);
};

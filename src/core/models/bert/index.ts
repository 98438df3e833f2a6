import path from 'node:path';
import type { ArchitectureBuilder } from '../registry.ts';
import { CheckpointWeights } from '../weights.ts';
import { parseBertConfig } from './config.ts';
import { BertMaskedLm } from './model.ts';

export const buildBert: ArchitectureBuilder = (config, weights, source) => {
  const configFile = path.join(path.dirname(source), 'config.json');
  return new BertMaskedLm(parseBertConfig(config, configFile), config, new CheckpointWeights(weights, source), configFile);
};

import { InputError } from '../../errors.ts';
import { ConfigFields } from '../config.ts';

/** `DistilBertConfig` fields the forward pass needs, camelCased, with transformers' defaults. */
export interface DistilBertConfig {
  vocabSize: number;
  dim: number;
  nLayers: number;
  nHeads: number;
  hiddenDim: number;
  activation: string;
  dropout: number;
  attentionDropout: number;
  maxPositionEmbeddings: number;
  padTokenId: number;
  tieWordEmbeddings: boolean;
}

/** DistilBERT hard-codes this epsilon in every LayerNorm. */
export const DISTILBERT_LAYER_NORM_EPS = 1e-12;

export function parseDistilBertConfig(raw: Record<string, unknown>, file: string): DistilBertConfig {
  const f = new ConfigFields(raw, file);
  const config: DistilBertConfig = {
    vocabSize: f.int('vocab_size', 30522, 1),
    dim: f.int('dim', 768, 1),
    nLayers: f.int('n_layers', 6, 0),
    nHeads: f.int('n_heads', 12, 1),
    hiddenDim: f.int('hidden_dim', 3072, 1),
    activation: f.string('activation', 'gelu'),
    dropout: f.number('dropout', 0.1),
    attentionDropout: f.number('attention_dropout', 0.1),
    maxPositionEmbeddings: f.int('max_position_embeddings', 512, 1),
    padTokenId: f.int('pad_token_id', 0),
    tieWordEmbeddings: f.bool('tie_word_embeddings', true),
  };
  if (config.dim % config.nHeads !== 0) {
    throw new InputError(`dim ${config.dim} is not a multiple of n_heads ${config.nHeads}`, { file, field: 'n_heads' });
  }
  return config;
}

import { InputError } from '../../errors.ts';
import { ConfigFields } from '../config.ts';

/** `BertConfig` fields the forward pass needs, camelCased, with transformers' defaults. */
export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  hiddenAct: string;
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  padTokenId: number;
  tieWordEmbeddings: boolean;
}

export function parseBertConfig(raw: Record<string, unknown>, file: string): BertConfig {
  const f = new ConfigFields(raw, file);
  const positionType = f.string('position_embedding_type', 'absolute');
  if (positionType !== 'absolute') {
    throw new InputError(`only "absolute" position embeddings are supported, got "${positionType}"`, {
      file,
      field: 'position_embedding_type',
    });
  }
  if (f.bool('is_decoder', false)) throw new InputError('a decoder BERT is not a masked LM', { file, field: 'is_decoder' });
  const config: BertConfig = {
    vocabSize: f.int('vocab_size', 30522, 1),
    hiddenSize: f.int('hidden_size', 768, 1),
    numHiddenLayers: f.int('num_hidden_layers', 12, 0),
    numAttentionHeads: f.int('num_attention_heads', 12, 1),
    intermediateSize: f.int('intermediate_size', 3072, 1),
    hiddenAct: f.string('hidden_act', 'gelu'),
    hiddenDropoutProb: f.number('hidden_dropout_prob', 0.1),
    attentionProbsDropoutProb: f.number('attention_probs_dropout_prob', 0.1),
    maxPositionEmbeddings: f.int('max_position_embeddings', 512, 1),
    typeVocabSize: f.int('type_vocab_size', 2, 1),
    layerNormEps: f.number('layer_norm_eps', 1e-12),
    padTokenId: f.int('pad_token_id', 0),
    tieWordEmbeddings: f.bool('tie_word_embeddings', true),
  };
  if (config.hiddenSize % config.numAttentionHeads !== 0) {
    throw new InputError(`hidden_size ${config.hiddenSize} is not a multiple of num_attention_heads ${config.numAttentionHeads}`, {
      file,
      field: 'num_attention_heads',
    });
  }
  return config;
}

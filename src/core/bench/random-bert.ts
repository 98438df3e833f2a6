import type { WeightMap } from '../models/types.ts';
import { Rng } from '../train/rng.ts';

/** The shape of a BERT masked LM, as the bench flags give it. */
export interface BertShape {
  layers: number;
  hidden: number;
  heads: number;
  ffn: number;
  vocab: number;
  maxPositions?: number;
}

/** A `config.json` for BertForMaskedLM of that shape (snake_case, as Hugging Face writes it), dropout off. */
export function bertConfig(s: BertShape): Record<string, unknown> {
  return {
    architectures: ['BertForMaskedLM'],
    model_type: 'bert',
    vocab_size: s.vocab,
    hidden_size: s.hidden,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    intermediate_size: s.ffn,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0,
    attention_probs_dropout_prob: 0,
    max_position_embeddings: s.maxPositions ?? 512,
    type_vocab_size: 2,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
    tie_word_embeddings: true,
  };
}

/**
 * Random BertForMaskedLM weights in Hugging Face naming and layout (linear weights [out, in]), tied decoder
 * (no `cls.predictions.decoder.weight`). Matrices ~ N(0, std²) as the speed anchor initializes them, norms
 * weight 1 / bias 0, other biases small uniform, all from one seeded generator.
 */
export function randomBertWeights(s: BertShape, seed: number, std = 0.02): WeightMap {
  const rng = new Rng(seed);
  const out: WeightMap = new Map();
  const normal = (name: string, shape: number[]): void => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
    out.set(name, { shape, data });
  };
  const uniform = (name: string, n: number, bound: number): void => {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (rng.next() * 2 - 1) * bound;
    out.set(name, { shape: [n], data });
  };
  const norm = (prefix: string): void => {
    out.set(`${prefix}.weight`, { shape: [s.hidden], data: new Float32Array(s.hidden).fill(1) });
    out.set(`${prefix}.bias`, { shape: [s.hidden], data: new Float32Array(s.hidden) });
  };
  const dense = (prefix: string, outDim: number, inDim: number): void => {
    normal(`${prefix}.weight`, [outDim, inDim]);
    uniform(`${prefix}.bias`, outDim, 1 / Math.sqrt(inDim));
  };
  normal('bert.embeddings.word_embeddings.weight', [s.vocab, s.hidden]);
  normal('bert.embeddings.position_embeddings.weight', [s.maxPositions ?? 512, s.hidden]);
  normal('bert.embeddings.token_type_embeddings.weight', [2, s.hidden]);
  norm('bert.embeddings.LayerNorm');
  for (let i = 0; i < s.layers; i++) {
    const l = `bert.encoder.layer.${i}`;
    dense(`${l}.attention.self.query`, s.hidden, s.hidden);
    dense(`${l}.attention.self.key`, s.hidden, s.hidden);
    dense(`${l}.attention.self.value`, s.hidden, s.hidden);
    dense(`${l}.attention.output.dense`, s.hidden, s.hidden);
    norm(`${l}.attention.output.LayerNorm`);
    dense(`${l}.intermediate.dense`, s.ffn, s.hidden);
    dense(`${l}.output.dense`, s.hidden, s.ffn);
    norm(`${l}.output.LayerNorm`);
  }
  dense('cls.predictions.transform.dense', s.hidden, s.hidden);
  norm('cls.predictions.transform.LayerNorm');
  out.set('cls.predictions.bias', { shape: [s.vocab], data: new Float32Array(s.vocab) });
  return out;
}

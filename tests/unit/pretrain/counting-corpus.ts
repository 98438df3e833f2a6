import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../../../src/core/train/rng.ts';

/*
 * A toy language a small encoder learns in a few hundred steps: each line counts upward in English words
 * ("seven eight nine ten eleven"), so a masked word follows from its neighbours. The tokenizer is a real
 * BERT WordPiece tokenizer built from a vocab.txt holding the five BERT specials and the twenty words.
 */

export const WORDS = [
  'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty',
];
export const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

export function countingLines(seed: number, count: number): string[] {
  const rng = new Rng(seed);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const len = 5 + rng.int(4);
    const start = rng.int(WORDS.length - len + 1);
    lines.push(WORDS.slice(start, start + len).join(' '));
  }
  return lines;
}

/** Writes tokenizer/ (vocab.txt), corpus.txt, heldout.txt and returns their paths. */
export function writeCountingSetup(dir: string, corpusLines = 300, heldoutLines = 100): { tokenizer: string; corpus: string; heldout: string } {
  const tokenizer = path.join(dir, 'tokenizer');
  fs.mkdirSync(tokenizer, { recursive: true });
  fs.writeFileSync(path.join(tokenizer, 'vocab.txt'), [...SPECIALS, ...WORDS].join('\n') + '\n');
  const corpus = path.join(dir, 'corpus.txt');
  const heldout = path.join(dir, 'heldout.txt');
  fs.writeFileSync(corpus, countingLines(1, corpusLines).join('\n') + '\n');
  fs.writeFileSync(heldout, countingLines(2, heldoutLines).join('\n') + '\n');
  return { tokenizer, corpus, heldout };
}

/** A tiny ModernBertForMaskedLM config (hidden 32); vocab_size is left to the tokenizer. */
export function tinyModernBertPretrainConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architectures: ['ModernBertForMaskedLM'],
    model_type: 'modernbert',
    hidden_size: 32,
    intermediate_size: 64,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    global_attn_every_n_layers: 1,
    local_attention: 16,
    max_position_embeddings: 64,
    pad_token_id: 0,
    ...overrides,
  };
}

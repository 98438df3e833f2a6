import type { TokenBatch } from '../train/train-step.ts';
import type { Rng } from '../train/rng.ts';

/**
 * Random token ids [rows, cols] with right padding as `torch_splade_step.py` builds it: ids uniform in
 * [1000, vocab) (1 when the vocabulary is smaller), the first half of every row real tokens, each later
 * position a token with probability 1/2 until the first padding position, which pads the rest of the row.
 * Padding positions get `padId`, as a tokenizer writes them.
 */
export function randomTokenBatch(rng: Rng, rows: number, cols: number, vocab: number, padId = 0): TokenBatch {
  const low = vocab > 1000 ? 1000 : 1;
  const inputIds = new Int32Array(rows * cols);
  const attentionMask = new Int32Array(rows * cols);
  const half = Math.floor(cols / 2);
  for (let r = 0; r < rows; r++) {
    let open = true;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const id = low + rng.int(vocab - low);
      if (c >= half) open = open && rng.next() >= 0.5;
      inputIds[i] = open ? id : padId;
      attentionMask[i] = open ? 1 : 0;
    }
  }
  return { inputIds, attentionMask, rows, cols };
}

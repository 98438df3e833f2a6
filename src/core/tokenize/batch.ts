import { InputError } from '../errors.ts';

/** A right-padded batch of token ids, row-major [batch, seq], ready for `tf.tensor2d(…, 'int32')`. */
export interface PaddedBatch {
  batch: number;
  seq: number;
  ids: Int32Array;
  mask: Int32Array;
  lengths: number[];
}

/** Pads to the longest sequence in the batch with `padId` on the right; the mask marks real tokens. */
export function padRight(sequences: readonly (readonly number[])[], padId: number): PaddedBatch {
  const seq = Math.max(1, ...sequences.map((s) => s.length));
  const batch = sequences.length;
  const ids = new Int32Array(batch * seq).fill(padId);
  const mask = new Int32Array(batch * seq);
  sequences.forEach((s, b) => {
    ids.set(s, b * seq);
    mask.fill(1, b * seq, b * seq + s.length);
  });
  return { batch, seq, ids, mask, lengths: sequences.map((s) => s.length) };
}

/** Token ids the tokenizer produced must index the model's embedding table. */
export function assertIdsInVocabulary(sequences: readonly (readonly number[])[], vocabSize: number, tokenizerSource: string): void {
  for (const s of sequences) {
    for (const id of s) {
      if (!(id >= 0 && id < vocabSize)) {
        throw new InputError(`token id ${id} is outside the model's vocabulary of ${vocabSize}: tokenizer and model do not match`, {
          file: tokenizerSource,
        });
      }
    }
  }
}

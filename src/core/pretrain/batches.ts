import { Rng } from '../train/rng.ts';
import { sequenceAt, type SequenceSet } from './corpus.ts';
import type { TokenRows } from './masking.ts';

/**
 * Which sequences make up the batch of a given step: the corpus is visited in epochs, each a fresh
 * permutation drawn from the run seed and the epoch number (`data-order/<epoch>` stream), and step s
 * takes the sample slots s·B … s·B + B − 1 of that endless visit. Stateless in the step, so a resumed run
 * sees exactly the batches the uninterrupted one would.
 */
export class BatchSampler {
  private epoch = -1;
  private order: number[] = [];

  constructor(
    readonly count: number,
    readonly batchSize: number,
    private readonly seed: number,
  ) {
    if (count < 1) throw new Error('no sequences to sample from');
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  }

  private permutation(epoch: number): number[] {
    if (epoch !== this.epoch) {
      this.order = Rng.forStream(this.seed, `data-order/${epoch}`).shuffle([...Array(this.count).keys()]);
      this.epoch = epoch;
    }
    return this.order;
  }

  /** Sequence indices of step `step` (0-based). */
  indices(step: number): number[] {
    const out: number[] = [];
    for (let slot = step * this.batchSize, end = slot + this.batchSize; slot < end; slot++) {
      const epoch = Math.floor(slot / this.count);
      out.push(this.permutation(epoch)[slot - epoch * this.count]!);
    }
    return out;
  }

  /** The epoch (fractional) reached after `steps` steps. */
  epochsAfter(steps: number): number {
    return (steps * this.batchSize) / this.count;
  }
}

/** The chosen sequences right-padded with `padId` to the longest of them. */
export function padRows(set: SequenceSet, indices: readonly number[], padId: number): TokenRows {
  const seqs = indices.map((i) => sequenceAt(set, i));
  const cols = Math.max(1, ...seqs.map((s) => s.length));
  const inputIds = new Int32Array(seqs.length * cols).fill(padId);
  const attentionMask = new Int32Array(seqs.length * cols);
  seqs.forEach((s, r) => {
    inputIds.set(s, r * cols);
    attentionMask.fill(1, r * cols, r * cols + s.length);
  });
  return { rows: seqs.length, cols, inputIds, attentionMask };
}

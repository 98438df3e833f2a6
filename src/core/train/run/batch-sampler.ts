import { InputError } from '../../errors.ts';
import type { TrainingExample } from '../../data/training-examples.ts';
import { padRight } from '../../tokenize/batch.ts';
import type { TextTokenizer } from '../../tokenize/text-tokenizer.ts';
import { Rng } from '../rng.ts';
import type { TokenBatch, TrainBatch } from '../train-step.ts';

export interface SamplerOptions {
  batchSize: number;
  gradAccumulation: number;
  negativesPerQuery: number;
  seed: number;
  withTeacherScores: boolean;
}

/**
 * Which examples make up each micro-batch, as a pure function of (seed, update, micro-batch): the data order
 * is a fresh seeded permutation per epoch, so a resumed run sees exactly the batches an uninterrupted run
 * would, without saving any sampler state.
 */
export class BatchSampler {
  private epoch = -1;
  private order: number[] = [];

  constructor(
    private readonly examples: readonly TrainingExample[],
    private readonly opts: SamplerOptions,
  ) {
    if (examples.length === 0) throw new InputError('the dataset has no training examples', { field: 'dataset' });
    if (opts.withTeacherScores && examples.some((e) => e.scores === undefined)) {
      throw new InputError('distillation needs teacher scores in every training example', { field: 'train.distillation' });
    }
  }

  private permutation(epoch: number): number[] {
    if (epoch !== this.epoch) {
      this.order = Rng.forStream(this.opts.seed, `data-order/${epoch}`).shuffle([...Array(this.examples.length).keys()]);
      this.epoch = epoch;
    }
    return this.order;
  }

  /** Example indices of micro-batch `micro` of update `update` (0-based). */
  indices(update: number, micro: number): number[] {
    const { batchSize, gradAccumulation } = this.opts;
    const n = this.examples.length;
    const start = (update * gradAccumulation + micro) * batchSize;
    const out: number[] = [];
    for (let p = start; p < start + batchSize; p++) out.push(this.permutation(Math.floor(p / n))[p % n]!);
    return out;
  }

  /** The texts of a micro-batch: each query's own hard negatives, topped up from other examples' positives. */
  texts(update: number, micro: number): { queries: string[]; positives: string[]; negatives: string[]; scores?: Float32Array } {
    const idx = this.indices(update, micro);
    const nNeg = this.opts.negativesPerQuery;
    const fill = Rng.forStream(this.opts.seed, `negative-fill/${update}/${micro}`);
    const queries: string[] = [];
    const positives: string[] = [];
    const negatives: string[] = [];
    const scores = this.opts.withTeacherScores ? new Float32Array(idx.length * (1 + nNeg)) : undefined;
    idx.forEach((i, row) => {
      const ex = this.examples[i]!;
      queries.push(ex.query);
      positives.push(ex.positive);
      for (let j = 0; j < nNeg; j++) {
        if (j < ex.negatives.length) negatives.push(ex.negatives[j]!);
        else {
          let other = fill.int(this.examples.length);
          if (other === i && this.examples.length > 1) other = (other + 1) % this.examples.length;
          negatives.push(this.examples[other]!.positive);
        }
      }
      if (scores) {
        const s = ex.scores!;
        for (let j = 0; j <= nNeg; j++) scores[row * (1 + nNeg) + j] = j < s.length ? s[j]! : Math.min(...s);
      }
    });
    return scores ? { queries, positives, negatives, scores } : { queries, positives, negatives };
  }
}

async function tokenBatch(tokenizer: TextTokenizer, texts: readonly string[], maxLength: number): Promise<TokenBatch> {
  const encoded = await tokenizer.encodeBatch(texts, maxLength);
  const padded = padRight(
    encoded.map((e) => e.ids),
    tokenizer.padId,
  );
  return { inputIds: padded.ids, attentionMask: padded.mask, rows: padded.batch, cols: padded.seq };
}

/** Tokenizes one micro-batch into the train step's input. */
export async function buildTrainBatch(
  sampler: BatchSampler,
  tokenizer: TextTokenizer,
  update: number,
  micro: number,
  lengths: { query: number; document: number },
  negativesPerQuery: number,
): Promise<TrainBatch> {
  const t = sampler.texts(update, micro);
  const batch: TrainBatch = {
    queries: await tokenBatch(tokenizer, t.queries, lengths.query),
    positives: await tokenBatch(tokenizer, t.positives, lengths.document),
    negativesPerQuery,
  };
  if (negativesPerQuery > 0) batch.negatives = await tokenBatch(tokenizer, t.negatives, lengths.document);
  if (t.scores) batch.teacherScores = t.scores;
  return batch;
}

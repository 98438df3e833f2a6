import type { Rng } from '../train/rng.ts';

/** Right-padded token ids and attention mask, row-major [rows, cols]. */
export interface TokenRows {
  rows: number;
  cols: number;
  inputIds: Int32Array;
  attentionMask: Int32Array;
}

/** A batch ready for the MLM loss: corrupted inputs plus the chosen positions and their original ids. */
export interface MaskedBatch extends TokenRows {
  /** Flat positions `row · cols + col` of the chosen tokens, ascending. */
  positions: Int32Array;
  /** The original token id at each chosen position (the prediction target). */
  labels: Int32Array;
}

export interface MaskingOptions {
  /** Probability that an eligible position is chosen (0.15 BERT, 0.30 ModernBERT). */
  maskProb: number;
  maskTokenId: number;
  vocabSize: number;
  /** Ids never chosen and never drawn as random replacements (CLS, SEP, PAD, UNK, MASK, …). */
  specialIds: ReadonlySet<number>;
  /** Of the chosen positions, the share replaced by the mask token (default 0.8). */
  maskReplaceProb?: number;
  /** Of the chosen positions, the share replaced by a random token (default 0.1); the rest stay unchanged. */
  randomReplaceProb?: number;
}

/**
 * The standard MLM corruption (Devlin et al. 2019; Hugging Face's DataCollatorForLanguageModeling):
 * every position with attention 1 whose token is not special is chosen with probability p; a chosen token
 * becomes the mask token (80%), a random non-special token (10%) or stays as it is (10%).
 *
 * Draw order, so a seeded run is reproducible: positions row-major; for each eligible one `rng.next()`
 * decides whether it is chosen; for a chosen one a second `rng.next()` u picks mask (u < 0.8), random
 * (u < 0.9, then `rng.int(#candidates)` picks the token) or unchanged. A batch where no position was chosen
 * but some are eligible gets one, drawn uniformly (`rng.int(#eligible)`), so the loss is always defined.
 */
export class MlmMasker {
  readonly maskProb: number;
  private readonly maskCut: number;
  private readonly randomCut: number;
  /** Ids a random replacement is drawn from: every non-special id of the vocabulary, ascending. */
  readonly candidates: Int32Array;

  constructor(private readonly opts: MaskingOptions) {
    const mask = opts.maskReplaceProb ?? 0.8;
    const random = opts.randomReplaceProb ?? 0.1;
    if (!(opts.maskProb > 0 && opts.maskProb <= 1)) throw new Error(`mask probability must be in (0, 1], got ${opts.maskProb}`);
    if (!(mask >= 0 && random >= 0 && mask + random <= 1)) throw new Error(`replacement shares ${mask} + ${random} must lie in [0, 1]`);
    this.maskProb = opts.maskProb;
    this.maskCut = mask;
    this.randomCut = mask + random;
    const ids: number[] = [];
    for (let id = 0; id < opts.vocabSize; id++) if (!opts.specialIds.has(id)) ids.push(id);
    if (ids.length === 0) throw new Error('every vocabulary entry is special: nothing to draw random replacements from');
    this.candidates = Int32Array.from(ids);
  }

  private eligible(batch: TokenRows, i: number): boolean {
    return batch.attentionMask[i] === 1 && !this.opts.specialIds.has(batch.inputIds[i]!);
  }

  /** Corrupts a copy of `batch`; advances `rng` as documented above. */
  mask(batch: TokenRows, rng: Rng): MaskedBatch {
    const n = batch.rows * batch.cols;
    if (batch.inputIds.length !== n || batch.attentionMask.length !== n) {
      throw new Error(`token rows [${batch.rows}, ${batch.cols}] hold ${batch.inputIds.length} ids`);
    }
    const inputIds = Int32Array.from(batch.inputIds);
    const positions: number[] = [];
    const labels: number[] = [];
    const corrupt = (i: number): void => {
      positions.push(i);
      labels.push(batch.inputIds[i]!);
      const u = rng.next();
      if (u < this.maskCut) inputIds[i] = this.opts.maskTokenId;
      else if (u < this.randomCut) inputIds[i] = this.candidates[rng.int(this.candidates.length)]!;
    };
    let eligibleCount = 0;
    for (let i = 0; i < n; i++) {
      if (!this.eligible(batch, i)) continue;
      eligibleCount++;
      if (rng.next() < this.maskProb) corrupt(i);
    }
    if (positions.length === 0 && eligibleCount > 0) {
      let k = rng.int(eligibleCount);
      for (let i = 0; i < n; i++) {
        if (this.eligible(batch, i) && k-- === 0) {
          corrupt(i);
          break;
        }
      }
    }
    return {
      rows: batch.rows,
      cols: batch.cols,
      inputIds,
      attentionMask: Int32Array.from(batch.attentionMask),
      positions: Int32Array.from(positions),
      labels: Int32Array.from(labels),
    };
  }
}

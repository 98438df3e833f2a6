/*
 * Collapse detection, pure logic over the per-step metrics. A SPLADE run collapses in one of three ways:
 * the loss (or the gradient) becomes non-finite; the representations die (every query or every document
 * vector all zeros); or they saturate toward the vocabulary (most entries non-zero, so sparsity is gone).
 * The last two must persist for `patience` consecutive steps, so one odd batch does not end a run.
 */

export interface CollapseOptions {
  /** Consecutive steps a dead or saturated state must last. Default 20. */
  patience?: number;
  /** Mean non-zero fraction of the vocabulary (queries or documents) counted as saturated. Default 0.5. */
  saturationFraction?: number;
}

/** What one step contributes: the metrics the train step records. */
export interface CollapseObservation {
  step: number;
  loss: number;
  gradNorm?: number;
  queryNnzMax: number;
  docNnzMax: number;
  queryNnzMean: number;
  docNnzMean: number;
  vocabSize: number;
}

export type CollapseReason = 'non-finite loss' | 'non-finite gradient' | 'all-zero representations' | 'saturated representations';

export type CollapseVerdict =
  | { collapsed: false }
  | {
      collapsed: true;
      reason: CollapseReason;
      /** The step at which the collapse was established. */
      step: number;
      /** The first step of the run of bad steps that led to it (= step for a non-finite value). */
      since: number;
      detail: string;
    };

export interface CollapseCounters {
  zeroRun: number;
  zeroSince: number;
  saturatedRun: number;
  saturatedSince: number;
}

export class CollapseDetector {
  readonly patience: number;
  readonly saturationFraction: number;
  private zeroRun = 0;
  private saturatedRun = 0;
  private zeroSince = 0;
  private saturatedSince = 0;
  private verdict: CollapseVerdict = { collapsed: false };

  constructor(options: CollapseOptions = {}) {
    this.patience = options.patience ?? 20;
    this.saturationFraction = options.saturationFraction ?? 0.5;
    if (!Number.isInteger(this.patience) || this.patience < 1) throw new Error('patience must be an integer ≥ 1');
    if (!(this.saturationFraction > 0 && this.saturationFraction <= 1)) {
      throw new Error('saturationFraction must be in (0, 1]');
    }
  }

  /** The first collapse seen stays the verdict; later observations do not change it. */
  observe(o: CollapseObservation): CollapseVerdict {
    if (this.verdict.collapsed) return this.verdict;
    if (!Number.isFinite(o.loss)) {
      return this.mark('non-finite loss', o.step, o.step, `loss is ${o.loss}`);
    }
    if (o.gradNorm !== undefined && !Number.isFinite(o.gradNorm)) {
      return this.mark('non-finite gradient', o.step, o.step, `gradient norm is ${o.gradNorm}`);
    }
    const dead = o.queryNnzMax === 0 || o.docNnzMax === 0;
    if (dead && this.zeroRun === 0) this.zeroSince = o.step;
    this.zeroRun = dead ? this.zeroRun + 1 : 0;
    if (this.zeroRun >= this.patience) {
      const side = o.queryNnzMax === 0 ? 'query' : 'document';
      return this.mark('all-zero representations', o.step, this.zeroSince, `every ${side} vector all zeros for ${this.zeroRun} steps`);
    }
    const qFrac = o.queryNnzMean / o.vocabSize;
    const dFrac = o.docNnzMean / o.vocabSize;
    const saturated = Math.max(qFrac, dFrac) > this.saturationFraction;
    if (saturated && this.saturatedRun === 0) this.saturatedSince = o.step;
    this.saturatedRun = saturated ? this.saturatedRun + 1 : 0;
    if (this.saturatedRun >= this.patience) {
      const worst = Math.max(qFrac, dFrac);
      return this.mark(
        'saturated representations',
        o.step,
        this.saturatedSince,
        `${(worst * 100).toFixed(1)}% of the vocabulary non-zero on average for ${this.saturatedRun} steps`,
      );
    }
    return this.verdict;
  }

  get current(): CollapseVerdict {
    return this.verdict;
  }

  /** Counters as plain data, so a resumed run keeps counting where it stopped. */
  state(): CollapseCounters {
    return { zeroRun: this.zeroRun, zeroSince: this.zeroSince, saturatedRun: this.saturatedRun, saturatedSince: this.saturatedSince };
  }

  restore(state: CollapseCounters): void {
    this.zeroRun = state.zeroRun;
    this.zeroSince = state.zeroSince;
    this.saturatedRun = state.saturatedRun;
    this.saturatedSince = state.saturatedSince;
  }

  private mark(reason: CollapseReason, step: number, since: number, detail: string): CollapseVerdict {
    this.verdict = { collapsed: true, reason, step, since, detail };
    return this.verdict;
  }
}

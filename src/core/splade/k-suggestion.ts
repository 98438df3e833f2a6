import type { HeadStatsForK } from './head-stats.ts';

/**
 * The rule the head-scale check suggests a rescale factor k by. Deliberately simple and stated in full, so
 * the user can see why a k was (or was not) suggested and overrule it.
 *
 * Only the weights' size enters the choice: dividing the logits by k > 0 keeps their signs, so k never
 * changes which entries are non-zero, and (measured on tiny random BERTs, heads scaled 1× to 40×, k 1 to
 * 256) the mean cosine of different texts moved by less than 0.01. Saturation and look-alike texts are
 * reported as warnings instead: no k fixes them.
 */
export const K_RULE_THRESHOLDS = {
  /** log(1 + logit/k) ≤ 3, i.e. no logit/k above e³ − 1 ≈ 19. */
  maxWeight: 3,
  /** Mean non-zeros per vector as a fraction of the vocabulary: the trainer's saturation threshold (collapse default). */
  maxNnzFraction: 0.5,
  /** Mean cosine similarity of two different texts' vectors above which they count as hard to tell apart. */
  maxCosine: 0.9,
} as const;

export const K_RULE_TEXT =
  `the smallest candidate k whose largest initial SPLADE weight is at most ${K_RULE_THRESHOLDS.maxWeight} ` +
  `(log(1 + logit/k) ≤ ${K_RULE_THRESHOLDS.maxWeight}, i.e. every logit/k ≤ 19). ` +
  `Warnings, which no k fixes (k keeps the logits' signs): vectors saturated (mean non-zeros above ` +
  `${K_RULE_THRESHOLDS.maxNnzFraction * 100}% of the vocabulary, the trainer's collapse threshold) and texts hard to tell apart ` +
  `(mean cosine of two different texts' vectors above ${K_RULE_THRESHOLDS.maxCosine}).`;

export interface KCheck {
  k: number;
  nnzFraction: number;
  saturated: boolean;
  weightOk: boolean;
  distinguishable: boolean;
  /** The k qualifies under the rule (its weights are small enough). */
  meetsRule: boolean;
}

export interface KSuggestionResult {
  k: number | null;
  rule: string;
  reason: string;
  warnings: string[];
  checks: KCheck[];
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

/** Applies the rule to head statistics per k (`byK` keyed by k as in `computeHeadStats`). */
export function suggestK(vocabSize: number, ks: readonly number[], byK: Record<string, HeadStatsForK>): KSuggestionResult {
  const sorted = [...new Set(ks)].sort((a, b) => a - b);
  const checks = sorted.map((k): KCheck => {
    const s = byK[String(k)]!;
    const nnzFraction = vocabSize > 0 ? s.splade_nnz_mean / vocabSize : 0;
    const weightOk = s.splade_weight_max <= K_RULE_THRESHOLDS.maxWeight;
    return {
      k,
      nnzFraction,
      saturated: nnzFraction > K_RULE_THRESHOLDS.maxNnzFraction,
      weightOk,
      distinguishable: s.splade_cosine_mean !== null && s.splade_cosine_mean <= K_RULE_THRESHOLDS.maxCosine,
      meetsRule: weightOk,
    };
  });
  const chosen = checks.find((c) => c.meetsRule);
  const below = checks
    .filter((c) => chosen === undefined || c.k < chosen.k)
    .map((c) => `k=${c.k}: largest weight ${fmt(byK[String(c.k)]!.splade_weight_max)} > ${K_RULE_THRESHOLDS.maxWeight}`);
  let reason: string;
  if (chosen) {
    const max = fmt(byK[String(chosen.k)]!.splade_weight_max);
    reason = below.length > 0 ? `${below.join('; ')}; k=${chosen.k}: largest weight ${max}` : `k=${chosen.k}, the smallest candidate, already has largest weight ${max}`;
  } else {
    reason = `no candidate qualifies (${below.join('; ')}): try larger k`;
  }
  const warnings: string[] = [];
  const ref = chosen ?? checks.at(-1);
  if (ref?.saturated) {
    warnings.push(`${fmt(ref.nnzFraction * 100)}% of the vocabulary is non-zero at every k: saturated vectors (the FLOPS regularizer has to make them sparse)`);
  }
  const cosine = ref ? byK[String(ref.k)]!.splade_cosine_mean : null;
  if (ref && !ref.distinguishable) {
    warnings.push(
      cosine === null
        ? 'fewer than two texts have a non-zero vector: the texts cannot be compared'
        : `different texts have a mean cosine of ${fmt(cosine)} at k=${ref.k}: the model hardly tells them apart yet`,
    );
  }
  return { k: chosen?.k ?? null, rule: K_RULE_TEXT, reason, warnings, checks };
}

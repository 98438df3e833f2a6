/**
 * The configuration of one training run (`lsr train --config FILE`, the app's run form), its defaults and
 * their validation. This file imports nothing.
 *
 * Defaults follow the SPLADE literature where a laptop CPU can follow it, and say where they scale it down:
 * - [naver] naver/splade `conf/train/config/splade.yaml` (SPLADE v2/++ training: lr 2e-5, weight decay
 *   0.01, batch 128, 150k iterations, 6k warm-up steps, max length 256, seed 123) and
 *   `conf/config_splade++_*.yaml` (FLOPS warm-up T = 50k);
 * - [naver-toy] `conf/train/config/splade_toy.yaml` (in-batch NLL with FLOPS λq = 5e-4, λd = 3e-4);
 * - [paria] Paria et al. 2020, "Minimizing FLOPs to learn efficient sparse representations" (FLOPS, the
 *   quadratic λ warm-up);
 * - [hf] Hugging Face `TrainingArguments` / PyTorch `AdamW` defaults (β 0.9/0.999, ε 1e-8, clip 1.0);
 * - [tevatron] Tevatron's SPLADE recipe (query max length 32, passage 128).
 */

export type DistillationLoss = 'none' | 'margin-mse' | 'kl';
export type NegativeScope = 'own' | 'shared';
export type CollapseAction = 'stop' | 'continue';

export interface CollapseConfig {
  /** Stop the run (status `collapsed`) or only record the collapse and go on. */
  action: CollapseAction;
  /** Consecutive steps of all-zero or saturated vectors before the run counts as collapsed. */
  patience: number;
  /** Mean fraction of the vocabulary non-zero per vector above which vectors count as saturated. */
  saturationFraction: number;
}

export interface TrainConfig {
  /** Run name shown in `lsr runs list`; null lets the store name it. */
  name: string | null;
  tags: string[];
  notes: string;
  /** MODEL as in the contract: a Hugging Face folder, a hub id `org/name[@rev]`, or `run:<id>[@step]`. */
  model: string;
  /** A registered dataset name or a BEIR folder. */
  dataset: string;
  /** Qrels split the training examples come from when the dataset has no triples. Default `train`. */
  split: string;
  /** MLM-head rescale factor: decoder weight and bias divided by k at initialization. Default 1. */
  k: number;
  /** Seed of data order, negative sampling and dropout. Default 123 [naver]. */
  seed: number;
  /** Optimizer updates. Default 3000 ([naver] runs 150k at batch 128 on GPUs). */
  steps: number;
  /** Queries per micro-batch. Default 32 ([naver] 128). */
  batchSize: number;
  /** Micro-batches per update. Default 1 [naver]. */
  gradAccumulation: number;
  /** Hard negatives per query. Default 1 ([naver] triplets). */
  negativesPerQuery: number;
  /** Score every query against every positive of the batch too. Default true ([naver] in-batch NLL). */
  inBatchNegatives: boolean;
  /** Hard negatives scored per query: its own (default, [naver]) or every one in the batch. */
  negativeScope: NegativeScope;
  /** Peak learning rate. Default 2e-5 [naver]. */
  lr: number;
  /** AdamW decoupled weight decay, not applied to biases and norm weights. Default 0.01 [naver]. */
  weightDecay: number;
  adamBeta1: number;
  adamBeta2: number;
  adamEps: number;
  /** Linear warm-up of the learning rate, then linear decay to 0. Default 120 = 4% of steps ([naver] 6k/150k). */
  warmupSteps: number;
  /** Global-norm gradient clipping; 0 turns it off. Default 1.0 [hf]. */
  maxGradNorm: number;
  /** FLOPS weight for queries. Default 5e-4 [naver-toy]. */
  lambdaQ: number;
  /** FLOPS weight for documents. Default 3e-4 [naver-toy]. */
  lambdaD: number;
  /** T of λ_t = λ · min(1, t/T)². Default 1000 = a third of the steps ([naver] 50k of 150k, [paria]). */
  flopsWarmupSteps: number;
  /** Optional L1 weights (0 = off). */
  l1Q: number;
  l1D: number;
  /** Weight of the in-batch softmax cross-entropy; 0 drops it (distillation only). Default 1. */
  contrastiveWeight: number;
  /** Distillation from teacher scores in the training data. Default none. */
  distillation: DistillationLoss;
  distillationWeight: number;
  /** Default 32 [tevatron]. */
  maxQueryLength: number;
  /** Default 256 [naver]. */
  maxDocLength: number;
  /** Evaluate every N updates (0 = only at the end). */
  evalEvery: number;
  /** Dataset evaluated during and after training (registered name or BEIR folder); null: the training dataset. */
  evalDataset: string | null;
  /** Qrels split evaluated. Default `test`. */
  evalSplit: string;
  /**
   * During training only (the final evaluation uses the whole split and corpus): a seeded sample of this many
   * queries (0 = all), searched over their judged documents plus seeded random ones up to `evalMaxDocs`
   * (0 = the whole corpus). Cheap enough to chart; not comparable to the final figures.
   */
  evalQueries: number;
  evalMaxDocs: number;
  /** Further datasets (e.g. out-of-domain test sets) evaluated at the end of the run on `evalSplit`. */
  evalExtra: string[];
  /** Checkpoint every N updates (and always at the end). Default 500. */
  checkpointEvery: number;
  collapse: CollapseConfig;
  /** `auto` or a backend name (`wasm`, `cpu`, `tensorflow`, `tensorflow-gpu`). */
  backend: string;
  /** Data-parallel worker threads: `auto` or a count ≥ 1. */
  workers: number | 'auto';
}

/** Every field but the two with no sensible default (`model`, `dataset`). */
export const TRAIN_CONFIG_DEFAULTS: Omit<TrainConfig, 'model' | 'dataset'> = {
  name: null,
  tags: [],
  notes: '',
  split: 'train',
  k: 1,
  seed: 123,
  steps: 3000,
  batchSize: 32,
  gradAccumulation: 1,
  negativesPerQuery: 1,
  inBatchNegatives: true,
  negativeScope: 'own',
  lr: 2e-5,
  weightDecay: 0.01,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  adamEps: 1e-8,
  warmupSteps: 120,
  maxGradNorm: 1,
  lambdaQ: 5e-4,
  lambdaD: 3e-4,
  flopsWarmupSteps: 1000,
  l1Q: 0,
  l1D: 0,
  contrastiveWeight: 1,
  distillation: 'none',
  distillationWeight: 1,
  maxQueryLength: 32,
  maxDocLength: 256,
  evalEvery: 0,
  evalDataset: null,
  evalSplit: 'test',
  evalQueries: 50,
  evalMaxDocs: 1000,
  evalExtra: [],
  checkpointEvery: 500,
  collapse: { action: 'stop', patience: 20, saturationFraction: 0.5 },
  backend: 'auto',
  workers: 'auto',
};

export interface FieldError {
  /** Dotted path of the field at fault, e.g. `collapse.patience`. */
  field: string;
  message: string;
}

export type TrainConfigResult = { config: TrainConfig; errors: [] } | { config: null; errors: FieldError[] };

type Check = (value: unknown) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function num(opts: { integer?: boolean; min?: number; max?: number; above?: number; below?: number }): Check {
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return 'must be a finite number';
    if (opts.integer && !Number.isInteger(v)) return 'must be an integer';
    if (opts.min !== undefined && v < opts.min) return `must be ≥ ${opts.min}`;
    if (opts.max !== undefined && v > opts.max) return `must be ≤ ${opts.max}`;
    if (opts.above !== undefined && !(v > opts.above)) return `must be > ${opts.above}`;
    if (opts.below !== undefined && !(v < opts.below)) return `must be < ${opts.below}`;
    return null;
  };
}

const str =
  (nonEmpty: boolean): Check =>
  (v) =>
    typeof v !== 'string' ? 'must be a string' : nonEmpty && v.trim() === '' ? 'must not be empty' : null;
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'must be true or false');
const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.join(', ')}`;

const FIELDS: Record<Exclude<keyof TrainConfig, 'collapse'>, Check> = {
  name: (v) => (v === null ? null : str(true)(v)),
  tags: (v) => (Array.isArray(v) && v.every((t) => typeof t === 'string') ? null : 'must be an array of strings'),
  notes: str(false),
  model: str(true),
  dataset: str(true),
  split: str(true),
  k: num({ above: 0 }),
  seed: num({ integer: true, min: 0, max: 4294967295 }),
  steps: num({ integer: true, min: 1 }),
  batchSize: num({ integer: true, min: 1 }),
  gradAccumulation: num({ integer: true, min: 1 }),
  negativesPerQuery: num({ integer: true, min: 0 }),
  inBatchNegatives: bool,
  negativeScope: oneOf(['own', 'shared']),
  lr: num({ above: 0 }),
  weightDecay: num({ min: 0 }),
  adamBeta1: num({ min: 0, below: 1 }),
  adamBeta2: num({ min: 0, below: 1 }),
  adamEps: num({ above: 0 }),
  warmupSteps: num({ integer: true, min: 0 }),
  maxGradNorm: num({ min: 0 }),
  lambdaQ: num({ min: 0 }),
  lambdaD: num({ min: 0 }),
  flopsWarmupSteps: num({ integer: true, min: 0 }),
  l1Q: num({ min: 0 }),
  l1D: num({ min: 0 }),
  contrastiveWeight: num({ min: 0 }),
  distillation: oneOf(['none', 'margin-mse', 'kl']),
  distillationWeight: num({ min: 0 }),
  maxQueryLength: num({ integer: true, min: 2 }),
  maxDocLength: num({ integer: true, min: 2 }),
  evalEvery: num({ integer: true, min: 0 }),
  evalDataset: (v) => (v === null ? null : str(true)(v)),
  evalSplit: str(true),
  evalQueries: num({ integer: true, min: 0 }),
  evalMaxDocs: num({ integer: true, min: 0 }),
  evalExtra: (v) => (Array.isArray(v) && v.every((t) => typeof t === 'string' && t.trim() !== '') ? null : 'must be an array of dataset names'),
  checkpointEvery: num({ integer: true, min: 0 }),
  backend: oneOf(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']),
  workers: (v) => (v === 'auto' ? null : num({ integer: true, min: 1 })(v) && 'must be "auto" or an integer ≥ 1'),
};

const COLLAPSE_FIELDS: Record<keyof CollapseConfig, Check> = {
  action: oneOf(['stop', 'continue']),
  patience: num({ integer: true, min: 1 }),
  saturationFraction: num({ above: 0, max: 1 }),
};

function camel(key: string): string {
  return key.replace(/[_-]([a-z])/g, (_, c: string) => c.toUpperCase());
}

function unknownField(key: string, known: readonly string[], prefix: string): FieldError {
  const guess = camel(key);
  const hint = guess !== key && known.includes(guess) ? ` (did you mean "${guess}"?)` : '';
  return { field: prefix + key, message: `unknown field${hint}` };
}

/**
 * Checks a parsed config (e.g. JSON from `--config FILE`) and fills in the defaults. Every problem is
 * reported with the field it concerns; unknown fields are errors, so a typo never silently becomes a default.
 */
export function validateTrainConfig(input: unknown): TrainConfigResult {
  if (!isObject(input)) return { config: null, errors: [{ field: '(root)', message: 'must be an object' }] };
  const errors: FieldError[] = [];
  const known = Object.keys(FIELDS).concat('collapse');
  for (const key of Object.keys(input)) if (!known.includes(key)) errors.push(unknownField(key, known, ''));

  const merged: Record<string, unknown> = { ...TRAIN_CONFIG_DEFAULTS };
  for (const [key, check] of Object.entries(FIELDS)) {
    const value = key in input ? input[key] : merged[key];
    if (value === undefined) {
      errors.push({ field: key, message: 'is required' });
      continue;
    }
    const problem = check(value);
    if (problem) errors.push({ field: key, message: problem });
    else merged[key] = value;
  }

  const collapse: Record<string, unknown> = { ...TRAIN_CONFIG_DEFAULTS.collapse };
  if ('collapse' in input) {
    const c = input.collapse;
    if (!isObject(c)) errors.push({ field: 'collapse', message: 'must be an object' });
    else {
      const ck = Object.keys(COLLAPSE_FIELDS);
      for (const key of Object.keys(c)) if (!ck.includes(key)) errors.push(unknownField(key, ck, 'collapse.'));
      for (const [key, check] of Object.entries(COLLAPSE_FIELDS)) {
        if (!(key in c)) continue;
        const problem = check(c[key]);
        if (problem) errors.push({ field: `collapse.${key}`, message: problem });
        else collapse[key] = c[key];
      }
    }
  }
  merged.collapse = collapse;

  if (errors.length === 0) errors.push(...crossFieldErrors(merged as unknown as TrainConfig));
  if (errors.length > 0) return { config: null, errors };
  return { config: merged as unknown as TrainConfig, errors: [] };
}

function crossFieldErrors(c: TrainConfig): FieldError[] {
  const out: FieldError[] = [];
  if (c.warmupSteps > c.steps) out.push({ field: 'warmupSteps', message: `must be ≤ steps (${c.steps})` });
  if (c.contrastiveWeight === 0 && (c.distillation === 'none' || c.distillationWeight === 0)) {
    out.push({ field: 'contrastiveWeight', message: 'is 0 and no distillation is set: there is no ranking loss' });
  }
  if (c.distillation === 'margin-mse' && c.negativesPerQuery < 1) {
    out.push({ field: 'negativesPerQuery', message: 'must be ≥ 1 for MarginMSE distillation' });
  }
  if (!c.inBatchNegatives && c.negativesPerQuery === 0 && c.contrastiveWeight > 0) {
    out.push({ field: 'negativesPerQuery', message: 'must be ≥ 1 when inBatchNegatives is false (no negatives at all)' });
  }
  return out;
}

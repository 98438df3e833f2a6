import type { JsonValue, RunStartParams } from '../../../shared/contract.ts';
import { shortRunWarmups } from '../../../shared/short-run-warmups.ts';
import { TRAIN_CONFIG_DEFAULTS, validateTrainConfig, type TrainConfig } from '../../../shared/train-config.ts';

export type FieldKind = 'number' | 'integer' | 'boolean' | 'choice' | 'text' | 'list';

/** One SPLADE setting of the run form. An empty value means "the default" and is not sent. */
export interface FormField {
  /** The TrainConfig key (`collapse.patience` for the collapse settings). */
  key: string;
  label: string;
  group: string;
  kind: FieldKind;
  choices?: readonly string[];
  /** Where `runs.start` takes it: a run-level field, `train`, or `collapse`. */
  level: 'run' | 'train' | 'collapse';
  help: string;
}

const f = (key: string, label: string, group: string, kind: FieldKind, level: FormField['level'], help: string, choices?: readonly string[]): FormField => ({
  key,
  label,
  group,
  kind,
  level,
  help,
  ...(choices ? { choices } : {}),
});

const OPT = 'Optimization';
const OBJ = 'Objective';
const IN = 'Inputs';
const EVAL = 'Evaluation and checkpoints';
const COLL = 'Collapse detection';
const COMP = 'Compute';

export const FORM_GROUPS: readonly string[] = [OPT, OBJ, IN, EVAL, COLL, COMP];

/** The settings of src/shared/train-config.ts the form offers, with their documented meaning. */
export const FORM_FIELDS: readonly FormField[] = [
  f('steps', 'steps', OPT, 'integer', 'run', 'optimizer updates'),
  f('batchSize', 'batch size', OPT, 'integer', 'train', 'queries per micro-batch'),
  f('gradAccumulation', 'grad accumulation', OPT, 'integer', 'train', 'micro-batches per update'),
  f('lr', 'learning rate', OPT, 'number', 'train', 'peak learning rate (AdamW)'),
  f('warmupSteps', 'LR warm-up steps', OPT, 'integer', 'train', 'linear warm-up, then linear decay to 0'),
  f('weightDecay', 'weight decay', OPT, 'number', 'train', 'decoupled, not on biases and norms'),
  f('adamBeta1', 'Adam β1', OPT, 'number', 'train', ''),
  f('adamBeta2', 'Adam β2', OPT, 'number', 'train', ''),
  f('adamEps', 'Adam ε', OPT, 'number', 'train', ''),
  f('maxGradNorm', 'max grad norm', OPT, 'number', 'train', 'global-norm clipping; 0 = off'),
  f('negativesPerQuery', 'hard negatives / query', OBJ, 'integer', 'train', ''),
  f('inBatchNegatives', 'in-batch negatives', OBJ, 'boolean', 'train', 'score every query against every positive of the batch'),
  f('negativeScope', 'negative scope', OBJ, 'choice', 'train', "each query's own hard negatives, or all in the batch", ['own', 'shared']),
  f('contrastiveWeight', 'contrastive weight', OBJ, 'number', 'train', '0 drops the ranking loss (distillation only)'),
  f('lambdaQ', 'FLOPS λ query', OBJ, 'number', 'train', ''),
  f('lambdaD', 'FLOPS λ document', OBJ, 'number', 'train', ''),
  f('flopsWarmupSteps', 'FLOPS warm-up T', OBJ, 'integer', 'train', 'λ_t = λ · min(1, t/T)²'),
  f('l1Q', 'L1 query', OBJ, 'number', 'train', ''),
  f('l1D', 'L1 document', OBJ, 'number', 'train', ''),
  f('distillation', 'distillation', OBJ, 'choice', 'train', 'from teacher scores in the training data', ['none', 'margin-mse', 'kl']),
  f('distillationWeight', 'distillation weight', OBJ, 'number', 'train', ''),
  f('split', 'training split', IN, 'text', 'train', 'qrels split the examples come from (without triples)'),
  f('maxQueryLength', 'max query tokens', IN, 'integer', 'train', 'special tokens included'),
  f('maxDocLength', 'max document tokens', IN, 'integer', 'train', 'special tokens included'),
  f('evalEvery', 'evaluate every', EVAL, 'integer', 'run', 'updates; 0 = only at the end'),
  f('evalDataset', 'evaluation dataset', EVAL, 'text', 'train', 'empty: the training dataset'),
  f('evalSplit', 'evaluation split', EVAL, 'text', 'train', ''),
  f('evalQueries', 'eval queries (during)', EVAL, 'integer', 'train', 'seeded sample while training; 0 = all'),
  f('evalMaxDocs', 'eval documents (during)', EVAL, 'integer', 'train', 'judged plus random; 0 = whole corpus'),
  f('evalExtra', 'extra eval datasets', EVAL, 'list', 'train', 'comma-separated; evaluated at the end'),
  f('checkpointEvery', 'checkpoint every', EVAL, 'integer', 'run', 'updates (and always at the end)'),
  f('collapse.action', 'on collapse', COLL, 'choice', 'collapse', 'stop the run or only record it', ['stop', 'continue']),
  f('collapse.patience', 'patience', COLL, 'integer', 'collapse', 'consecutive steps of dead or saturated vectors'),
  f('collapse.saturationFraction', 'saturation fraction', COLL, 'number', 'collapse', 'non-zero share of the vocabulary counted as saturated'),
  f('backend', 'backend', COMP, 'choice', 'run', 'tensor backend of the run process', ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']),
  f('workers', 'workers', COMP, 'text', 'train', '"auto" or a thread count'),
];

/** What the user typed; empty strings mean "default". */
export interface SetupForm {
  name: string;
  tags: string;
  notes: string;
  models: string[];
  dataset: string;
  /** One k or a list: `1, 4, 16`. */
  ks: string;
  seeds: string;
  maxParallel: string;
  values: Record<string, string>;
}

/** Every setting empty: all defaults. */
export function defaultValues(): Record<string, string> {
  return Object.fromEntries(FORM_FIELDS.map((field) => [field.key, '']));
}

export function emptyForm(): SetupForm {
  return { name: '', tags: '', notes: '', models: [], dataset: '', ks: '1', seeds: '', maxParallel: '', values: defaultValues() };
}

function defaultOf(key: string): unknown {
  if (key.startsWith('collapse.')) return TRAIN_CONFIG_DEFAULTS.collapse[key.slice(9) as keyof TrainConfig['collapse']];
  return (TRAIN_CONFIG_DEFAULTS as Record<string, unknown>)[key];
}

/** The value a field takes when left empty, as text (warm-ups follow the run's length). */
export function defaultText(key: string, form: SetupForm): string {
  if (key === 'warmupSteps' || key === 'flopsWarmupSteps') {
    const steps = Number(form.values.steps || TRAIN_CONFIG_DEFAULTS.steps);
    const auto = Number.isInteger(steps) && steps > 0 ? shortRunWarmups(steps)[key] : '?';
    return `auto (${auto})`;
  }
  if (key === 'evalDataset') return 'training dataset';
  const v = defaultOf(key);
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.join(', ');
  return String(v);
}

/** `1, 4, 16` → numbers; an error names the first bad entry. */
export function parseNumberList(text: string, opts: { integer?: boolean; positive?: boolean; min?: number } = {}): { values: number[]; error: string | null } {
  const parts = text
    .split(/[,\s]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const values: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isFinite(v)) return { values, error: `"${p}" is not a number` };
    if (opts.integer && !Number.isInteger(v)) return { values, error: `${p} is not an integer` };
    if (opts.positive && !(v > 0)) return { values, error: `${p} must be > 0` };
    if (opts.min !== undefined && v < opts.min) return { values, error: `${p} must be ≥ ${opts.min}` };
    values.push(v);
  }
  if (new Set(values).size !== values.length) return { values, error: 'lists the same value twice' };
  return { values, error: null };
}

function fieldValue(field: FormField, raw: string): JsonValue {
  const text = raw.trim();
  switch (field.kind) {
    case 'number':
    case 'integer':
      // Not a number: kept as text, so validation says what is wrong with it.
      return text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    case 'boolean':
      return text === 'true';
    case 'list':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    default:
      if (field.key === 'workers' && text !== 'auto') return Number.isFinite(Number(text)) ? Number(text) : text;
      return text;
  }
}

export interface FormCheck {
  /** Form key (`ks`, `models`, `lr`, `collapse.patience`, …) → message. */
  errors: Record<string, string>;
  /** The request, when there is no error. */
  params: RunStartParams | null;
}

/**
 * Checks the form the way the trainer will (validateTrainConfig, with the short-run warm-ups) and builds
 * the `runs.start` request from the fields that were filled in.
 */
export function checkForm(form: SetupForm): FormCheck {
  const errors: Record<string, string> = {};
  if (form.models.length === 0) errors.models = 'choose a backbone';
  if (form.dataset.trim() === '') errors.dataset = 'choose a dataset';
  const ks = parseNumberList(form.ks, { positive: true });
  if (ks.error) errors.ks = ks.error;
  else if (ks.values.length === 0) errors.ks = 'give one k or a list';
  const seeds = parseNumberList(form.seeds, { integer: true, min: 0 });
  if (seeds.error) errors.seeds = seeds.error;
  const parallel = form.maxParallel.trim();
  if (parallel !== '' && !(Number.isInteger(Number(parallel)) && Number(parallel) >= 1)) errors.maxParallel = 'must be an integer ≥ 1';

  const run: Record<string, JsonValue> = {};
  const train: Record<string, JsonValue> = {};
  const collapse: Record<string, JsonValue> = {};
  for (const field of FORM_FIELDS) {
    const raw = form.values[field.key] ?? '';
    if (raw.trim() === '') continue;
    const value = fieldValue(field, raw);
    if (field.level === 'run') run[field.key] = value;
    else if (field.level === 'collapse') collapse[field.key.slice(9)] = value;
    else train[field.key] = value;
  }

  // What the trainer validates: the settings over the defaults, warm-ups scaled to a short run.
  const input: Record<string, unknown> = { ...train, ...run, model: 'model', dataset: 'dataset', k: ks.values[0] ?? 1, seed: seeds.values[0] ?? 0 };
  if (Object.keys(collapse).length > 0) input.collapse = collapse;
  const steps = typeof run.steps === 'number' ? run.steps : TRAIN_CONFIG_DEFAULTS.steps;
  const warmups = shortRunWarmups(steps);
  if (!('warmupSteps' in train)) input.warmupSteps = warmups.warmupSteps;
  if (!('flopsWarmupSteps' in train)) input.flopsWarmupSteps = warmups.flopsWarmupSteps;
  const result = validateTrainConfig(input);
  for (const e of result.errors) {
    if (['model', 'dataset', 'k', 'seed'].includes(e.field)) continue;
    errors[e.field] ??= e.message;
  }
  if (Object.keys(errors).length > 0) return { errors, params: null };

  const tags = form.tags
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const params: RunStartParams = { models: [...form.models], dataset: form.dataset.trim(), ks: ks.values };
  if (form.name.trim() !== '') params.name = form.name.trim();
  if (tags.length > 0) params.tags = tags;
  if (form.notes.trim() !== '') params.notes = form.notes;
  if (seeds.values.length > 0) params.seeds = seeds.values;
  if (parallel !== '') params.maxParallel = Number(parallel);
  if (typeof run.steps === 'number') params.steps = run.steps;
  if (typeof run.checkpointEvery === 'number') params.checkpointEvery = run.checkpointEvery;
  if (typeof run.evalEvery === 'number') params.evalEvery = run.evalEvery;
  if (typeof run.backend === 'string') params.backend = run.backend;
  if (Object.keys(collapse).length > 0) params.collapse = collapse as RunStartParams['collapse'];
  if (Object.keys(train).length > 0) params.train = train;
  return { errors, params };
}

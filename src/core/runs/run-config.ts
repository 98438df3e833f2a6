import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { jsonErrorOffset } from './json-error-offset.ts';

/**
 * The run-level config stored with every run (`runs.config`). Training hyperparameters live in `train`, which
 * only the executor of `kind` interprets (and gives defaults); fields left out here mean "the executor's
 * default".
 */
export interface RunConfigJson {
  /** Which executor trains the run (see executor-registry.ts). */
  kind: string;
  /** The backbone: a Hugging Face folder, a hub id `org/name[@rev]`, or `run:<id>[@<step>]`. */
  model: string;
  /** A registered dataset name or a BEIR folder. */
  dataset: string;
  /** MLM-head rescale factor. */
  k: number;
  seed: number;
  steps?: number;
  checkpointEvery?: number;
  /** 0: never. */
  evalEvery?: number;
  /** Passed through to the executor (collapse detection settings). */
  collapse?: Record<string, unknown>;
  /** Requested tensor backend; absent: the default selection. */
  backend?: string;
  train: Record<string, unknown>;
  versions?: { lsr: string; node: string };
}

/** A train request before sweep expansion: `models`, `ks` and `seeds` may hold several values. */
export interface TrainSpec {
  name?: string;
  tags: string[];
  notes: string;
  kind: string;
  models: string[];
  dataset: string;
  ks: number[];
  seeds: number[];
  steps?: number;
  checkpointEvery?: number;
  evalEvery?: number;
  collapse?: Record<string, unknown>;
  backend?: string;
  train: Record<string, unknown>;
  /** How many runs of a sweep train at once. */
  maxParallel: number;
}

/** What a config file or the command-line flags give; anything may be missing. */
export type TrainSpecInput = Partial<TrainSpec>;

export const RUN_DEFAULTS = { kind: 'splade', k: 1, seed: 42, maxParallel: 1 } as const;

const FILE_FIELDS = [
  'name', 'tags', 'notes', 'kind', 'model', 'backbone', 'dataset', 'k', 'seed', 'steps', 'checkpointEvery',
  'evalEvery', 'collapse', 'backend', 'train', 'maxParallel',
] as const;

type Where = { file?: string };

function fail(where: Where, field: string, message: string): InputError {
  return new InputError(message, { file: where.file, field });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown, where: Where, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw fail(where, field, `expected a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

function int(v: unknown, where: Where, field: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw fail(where, field, `expected an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** One value or a non-empty list of distinct values (a sweep dimension). */
function oneOrMany<T>(v: unknown, where: Where, field: string, each: (x: unknown, f: string) => T): T[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw fail(where, field, 'expected a value or a non-empty list');
  const out = list.map((x, i) => each(x, Array.isArray(v) ? `${field}[${i}]` : field));
  if (new Set(out).size !== out.length) throw fail(where, field, `lists the same value twice (${JSON.stringify(v)})`);
  return out;
}

export function checkK(x: unknown, where: Where, field: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) throw fail(where, field, `k must be a positive number, got ${JSON.stringify(x)}`);
  return x;
}

export function checkSeed(x: unknown, where: Where, field: string): number {
  return int(x, where, field, 0);
}

/** A path that exists (relative to `baseDir`) becomes absolute, so the run finds it from any folder later. */
export function localOrName(value: string, baseDir: string): string {
  const resolved = path.resolve(baseDir, value);
  return fs.existsSync(resolved) ? resolved : value;
}

/** Validates a parsed config file (`where.file` names it in errors); relative paths are read from `baseDir`. */
export function parseTrainConfig(value: unknown, where: Where, baseDir: string): TrainSpecInput {
  if (!isObject(value)) throw fail(where, '(root)', 'a train config must be a JSON object');
  for (const key of Object.keys(value)) {
    if (!(FILE_FIELDS as readonly string[]).includes(key)) {
      throw fail(where, key, `unknown field (training hyperparameters go under "train"; known fields: ${FILE_FIELDS.join(', ')})`);
    }
  }
  const out: TrainSpecInput = {};
  const v = value;
  if (v.name !== undefined) out.name = str(v.name, where, 'name');
  if (v.tags !== undefined) {
    if (!Array.isArray(v.tags)) throw fail(where, 'tags', 'expected a list of strings');
    out.tags = v.tags.map((t, i) => str(t, where, `tags[${i}]`));
  }
  if (v.notes !== undefined) {
    if (typeof v.notes !== 'string') throw fail(where, 'notes', 'expected a string');
    out.notes = v.notes;
  }
  if (v.kind !== undefined) out.kind = str(v.kind, where, 'kind');
  if (v.model !== undefined && v.backbone !== undefined) throw fail(where, 'backbone', 'give either "model" or "backbone", not both');
  const modelField = v.backbone !== undefined ? 'backbone' : 'model';
  const models = v[modelField];
  if (models !== undefined) out.models = oneOrMany(models, where, modelField, (x, f) => localOrName(str(x, where, f), baseDir));
  if (v.dataset !== undefined) out.dataset = localOrName(str(v.dataset, where, 'dataset'), baseDir);
  if (v.k !== undefined) out.ks = oneOrMany(v.k, where, 'k', (x, f) => checkK(x, where, f));
  if (v.seed !== undefined) out.seeds = oneOrMany(v.seed, where, 'seed', (x, f) => checkSeed(x, where, f));
  if (v.steps !== undefined) out.steps = int(v.steps, where, 'steps', 1);
  if (v.checkpointEvery !== undefined) out.checkpointEvery = int(v.checkpointEvery, where, 'checkpointEvery', 1);
  if (v.evalEvery !== undefined) out.evalEvery = int(v.evalEvery, where, 'evalEvery', 0);
  if (v.maxParallel !== undefined) out.maxParallel = int(v.maxParallel, where, 'maxParallel', 1);
  if (v.collapse !== undefined) {
    if (!isObject(v.collapse)) throw fail(where, 'collapse', 'expected an object');
    out.collapse = v.collapse;
  }
  if (v.backend !== undefined) out.backend = str(v.backend, where, 'backend');
  if (v.train !== undefined) {
    if (!isObject(v.train)) throw fail(where, 'train', 'expected an object');
    out.train = v.train;
  }
  return out;
}

/** Line (1-based) of a character offset, for JSON syntax errors. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function readTrainConfigFile(file: string): TrainSpecInput {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read the config file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const offset = jsonErrorOffset(text);
    throw new InputError(`not valid JSON: ${(err as Error).message}`, { file, line: offset >= 0 ? lineOf(text, offset) : undefined });
  }
  return parseTrainConfig(value, { file }, path.dirname(path.resolve(file)));
}

/**
 * The request: flags override the file field by field (and `train` key by key); `model` and `dataset` are
 * required from one of them.
 */
export function mergeTrainSpec(fromFile: TrainSpecInput | undefined, flags: TrainSpecInput, file?: string): TrainSpec {
  const f = fromFile ?? {};
  const pick = <K extends keyof TrainSpec>(key: K): TrainSpecInput[K] => (flags[key] !== undefined ? flags[key] : f[key]);
  const models = pick('models');
  const dataset = pick('dataset');
  const missing = (field: string, flag: string) =>
    file !== undefined
      ? new InputError(`is required (in the file, or as ${flag})`, { file, field })
      : new InputError(`is required (or give --config FILE)`, { field: flag });
  if (models === undefined) throw missing('model', '--model');
  if (dataset === undefined) throw missing('dataset', '--dataset');
  const spec: TrainSpec = {
    tags: pick('tags') ?? [],
    notes: pick('notes') ?? '',
    kind: pick('kind') ?? RUN_DEFAULTS.kind,
    models,
    dataset,
    ks: pick('ks') ?? [RUN_DEFAULTS.k],
    seeds: pick('seeds') ?? [RUN_DEFAULTS.seed],
    train: { ...(f.train ?? {}), ...(flags.train ?? {}) },
    maxParallel: pick('maxParallel') ?? RUN_DEFAULTS.maxParallel,
  };
  const name = pick('name');
  if (name !== undefined) spec.name = name;
  const steps = pick('steps');
  if (steps !== undefined) spec.steps = steps;
  const checkpointEvery = pick('checkpointEvery');
  if (checkpointEvery !== undefined) spec.checkpointEvery = checkpointEvery;
  const evalEvery = pick('evalEvery');
  if (evalEvery !== undefined) spec.evalEvery = evalEvery;
  const collapse = pick('collapse');
  if (collapse !== undefined) spec.collapse = collapse;
  const backend = pick('backend');
  if (backend !== undefined) spec.backend = backend;
  return spec;
}

/** Reads a stored run's config back (written by `createRuns`), checking the fields the run process relies on. */
export function storedRunConfig(config: Record<string, unknown>, runId: string): RunConfigJson {
  const where = { file: `run ${runId} config` };
  str(config.kind, where, 'kind');
  str(config.model, where, 'model');
  str(config.dataset, where, 'dataset');
  checkK(config.k, where, 'k');
  checkSeed(config.seed, where, 'seed');
  if (!isObject(config.train)) throw fail(where, 'train', 'expected an object');
  return config as unknown as RunConfigJson;
}

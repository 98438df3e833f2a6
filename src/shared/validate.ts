import { DATASET_FORMAT_VALUES, RUN_STATUS_VALUES, type Method } from './contract.ts';

/**
 * A tiny schema language for method params (this folder imports nothing, so no validation library).
 * Every method of the contract has a schema here; the dispatcher refuses params that do not match.
 */
export type Schema =
  | { type: 'string'; optional?: boolean; minLength?: number; maxLength?: number }
  | { type: 'number'; optional?: boolean; integer?: boolean; min?: number; max?: number }
  | { type: 'boolean'; optional?: boolean }
  | { type: 'array'; optional?: boolean; items: Schema; maxItems?: number }
  | { type: 'object'; optional?: boolean; fields: Record<string, Schema>; open?: boolean }
  | { type: 'enum'; optional?: boolean; values: readonly string[] }
  | { type: 'any'; optional?: boolean };

const empty: Schema = { type: 'object', fields: {} };
const runId: Schema = { type: 'string', minLength: 1, maxLength: 64 };
const optionalName: Schema = { type: 'string', optional: true, minLength: 1, maxLength: 200 };
const byRun: Schema = { type: 'object', fields: { runId } };
const modelSpec: Schema = { type: 'string', minLength: 1, maxLength: 4096 };
const taskId: Schema = { type: 'string', optional: true, minLength: 1, maxLength: 64 };
const textKind: Schema = { type: 'enum', values: ['query', 'document'] };
// k > 0 is checked by the handlers (the schema language has no exclusive bound).
const positive: Schema = { type: 'number', min: 0 };
const count = (min: number): Schema => ({ type: 'number', optional: true, integer: true, min });
const runStart: Schema = {
  type: 'object',
  fields: {
    name: optionalName,
    tags: { type: 'array', optional: true, items: { type: 'string', minLength: 1, maxLength: 64 }, maxItems: 64 },
    notes: { type: 'string', optional: true, maxLength: 100_000 },
    kind: { type: 'string', optional: true, minLength: 1, maxLength: 64 },
    models: { type: 'array', items: modelSpec, maxItems: 16 },
    dataset: { type: 'string', minLength: 1, maxLength: 4096 },
    ks: { type: 'array', items: positive, maxItems: 32 },
    seeds: { type: 'array', optional: true, items: { type: 'number', integer: true, min: 0, max: 4294967295 }, maxItems: 32 },
    steps: count(1),
    checkpointEvery: count(1),
    evalEvery: count(0),
    backend: { type: 'string', optional: true, minLength: 1, maxLength: 32 },
    maxParallel: { type: 'number', optional: true, integer: true, min: 1, max: 64 },
    collapse: {
      type: 'object',
      optional: true,
      fields: {
        action: { type: 'enum', optional: true, values: ['stop', 'continue'] },
        patience: count(1),
        saturationFraction: { type: 'number', optional: true, min: 0, max: 1 },
      },
    },
    // Each hyperparameter is checked by the executor (validateTrainConfig), which names the field.
    train: { type: 'object', optional: true, fields: {}, open: true },
  },
};

export const PARAM_SCHEMAS: Record<Method, Schema> = {
  'app.info': empty,
  'runs.list': {
    type: 'object',
    fields: {
      status: { type: 'array', optional: true, items: { type: 'enum', values: RUN_STATUS_VALUES }, maxItems: RUN_STATUS_VALUES.length },
      tag: { type: 'string', optional: true, maxLength: 200 },
      sweepId: { type: 'string', optional: true, maxLength: 64 },
      text: { type: 'string', optional: true, maxLength: 200 },
    },
  },
  'runs.get': byRun,
  'runs.metricNames': byRun,
  'runs.series': {
    type: 'object',
    fields: {
      runId,
      names: { type: 'array', optional: true, items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 500 },
      sinceStep: { type: 'number', optional: true, integer: true, min: -1 },
      maxPoints: { type: 'number', optional: true, integer: true, min: 2, max: 1_000_000 },
    },
  },
  'runs.evaluations': byRun,
  'runs.updateMeta': {
    type: 'object',
    fields: {
      runId,
      name: optionalName,
      tags: { type: 'array', optional: true, items: { type: 'string', minLength: 1, maxLength: 64 }, maxItems: 64 },
      notes: { type: 'string', optional: true, maxLength: 100_000 },
    },
  },
  'runs.cancel': byRun,
  'runs.delete': { type: 'object', fields: { runId, removeFiles: { type: 'boolean', optional: true } } },
  'datasets.list': empty,
  'compare.configDiff': { type: 'object', fields: { runIds: { type: 'array', items: runId, maxItems: 64 } } },
  'compare.perQuery': {
    type: 'object',
    fields: {
      runA: runId,
      runB: runId,
      dataset: optionalName,
      split: optionalName,
      metric: optionalName,
    },
  },
  'models.headCheck': {
    type: 'object',
    fields: {
      model: modelSpec,
      ks: { type: 'array', items: positive, maxItems: 32 },
      texts: { type: 'array', optional: true, items: { type: 'string', minLength: 1, maxLength: 20_000 }, maxItems: 64 },
      taskId,
    },
  },
  'models.download': { type: 'object', fields: { model: modelSpec, taskId } },
  'inspect.terms': {
    type: 'object',
    fields: {
      model: modelSpec,
      k: { ...positive, optional: true },
      text: { type: 'string', minLength: 1, maxLength: 100_000 },
      kind: textKind,
      top: { type: 'number', optional: true, integer: true, min: 1, max: 500 },
      taskId,
    },
  },
  'datasets.items': {
    type: 'object',
    fields: {
      dataset: { type: 'string', minLength: 1, maxLength: 4096 },
      kind: textKind,
      search: { type: 'string', optional: true, maxLength: 1000 },
      limit: { type: 'number', optional: true, integer: true, min: 1, max: 1000 },
    },
  },
  'datasets.import': {
    type: 'object',
    fields: {
      format: { type: 'enum', values: DATASET_FORMAT_VALUES },
      path: { type: 'string', minLength: 1, maxLength: 4096 },
      name: { type: 'string', minLength: 1, maxLength: 64 },
      replace: { type: 'boolean', optional: true },
      taskId,
    },
  },
  'runs.plan': runStart,
  'runs.start': runStart,
  'runs.resume': byRun,
  'demo.info': empty,
  'demo.run': empty,
  'tasks.cancel': { type: 'object', fields: { taskId: { type: 'string', minLength: 1, maxLength: 64 } } },
};

/** Returns a message naming the first offending field, or null when `value` matches. */
export function check(schema: Schema, value: unknown, path = 'params'): string | null {
  if (value === undefined || value === null) {
    return schema.optional ? null : `${path} is required`;
  }
  switch (schema.type) {
    case 'any':
      return null;
    case 'string':
      if (typeof value !== 'string') return `${path} must be a string`;
      if (schema.minLength !== undefined && value.length < schema.minLength) {
        return schema.minLength === 1 ? `${path} must not be empty` : `${path} is too short`;
      }
      if (schema.maxLength !== undefined && value.length > schema.maxLength) return `${path} is too long`;
      return null;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${path} must be a finite number`;
      if (schema.integer && !Number.isInteger(value)) return `${path} must be an integer`;
      if (schema.min !== undefined && value < schema.min) return `${path} must be >= ${schema.min}`;
      if (schema.max !== undefined && value > schema.max) return `${path} must be <= ${schema.max}`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${path} must be true or false`;
    case 'enum':
      return typeof value === 'string' && schema.values.includes(value)
        ? null
        : `${path} must be one of ${schema.values.join(', ')}`;
    case 'array': {
      if (!Array.isArray(value)) return `${path} must be an array`;
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return `${path} has too many items`;
      for (let i = 0; i < value.length; i++) {
        const problem = check(schema.items, value[i], `${path}[${i}]`);
        if (problem) return problem;
      }
      return null;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return `${path} must be an object`;
      const record = value as Record<string, unknown>;
      for (const [key, sub] of Object.entries(schema.fields)) {
        const problem = check(sub, record[key], `${path}.${key}`);
        if (problem) return problem;
      }
      if (!schema.open) {
        const extra = Object.keys(record).find((k) => !(k in schema.fields));
        if (extra !== undefined) return `${path}.${extra} is not expected`;
      }
      return null;
    }
  }
}

export function validateParams(method: Method, params: unknown): string | null {
  return check(PARAM_SCHEMAS[method], params ?? {});
}

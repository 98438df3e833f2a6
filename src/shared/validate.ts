import type { Method } from './contract.ts';

/**
 * A tiny schema language for method params (this folder imports nothing, so no validation library).
 * Every method of the contract has a schema here; the dispatcher refuses params that do not match.
 */
export type Schema =
  | { type: 'string'; optional?: boolean; maxLength?: number }
  | { type: 'number'; optional?: boolean; integer?: boolean; min?: number; max?: number }
  | { type: 'boolean'; optional?: boolean }
  | { type: 'array'; optional?: boolean; items: Schema; maxItems?: number }
  | { type: 'object'; optional?: boolean; fields: Record<string, Schema>; open?: boolean }
  | { type: 'enum'; optional?: boolean; values: readonly string[] }
  | { type: 'any'; optional?: boolean };

const empty: Schema = { type: 'object', fields: {} };

export const PARAM_SCHEMAS: Record<Method, Schema> = {
  'app.info': empty,
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

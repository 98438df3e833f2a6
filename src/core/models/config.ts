import path from 'node:path';
import { readJsonObjectFile } from '../data/json-objects.ts';
import { InputError } from '../errors.ts';

export const CONFIG_FILE = 'config.json';

/** Reads `config.json` of a Hugging Face folder as a plain object (keys stay snake_case here). */
export function readConfigJson(folder: string): Record<string, unknown> {
  return readJsonObjectFile(path.join(folder, CONFIG_FILE), 'missing: a model folder needs config.json');
}

/**
 * Typed access to snake_case config keys with the class defaults transformers uses; a present value of the
 * wrong type is an InputError naming the file and the key.
 */
export class ConfigFields {
  constructor(
    readonly raw: Record<string, unknown>,
    readonly file: string,
  ) {}

  private get(key: string): unknown {
    return this.raw[key];
  }

  private fail(key: string, expected: string): never {
    throw new InputError(`expected ${expected}, got ${JSON.stringify(this.get(key))}`, { file: this.file, field: key });
  }

  has(key: string): boolean {
    return this.get(key) !== undefined && this.get(key) !== null;
  }

  /** The value of `key` if `ok` accepts it; absent (undefined or null): `fallback`, else an error. */
  private value<T>(key: string, fallback: T | undefined, ok: (v: unknown) => v is T, expected: string): T {
    const v = this.get(key);
    if (v === undefined || v === null) {
      if (fallback === undefined) throw new InputError('missing', { file: this.file, field: key });
      return fallback;
    }
    if (!ok(v)) this.fail(key, expected);
    return v;
  }

  int(key: string, fallback?: number, min = 0): number {
    return this.value(key, fallback, (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min, `an integer >= ${min}`);
  }

  number(key: string, fallback?: number): number {
    return this.value(key, fallback, (v): v is number => typeof v === 'number' && Number.isFinite(v), 'a number');
  }

  string(key: string, fallback?: string): string {
    return this.value(key, fallback, (v): v is string => typeof v === 'string', 'a string');
  }

  bool(key: string, fallback: boolean): boolean {
    return this.value(key, fallback, (v): v is boolean => typeof v === 'boolean', 'true or false');
  }
}

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

  int(key: string, fallback?: number, min = 0): number {
    const v = this.get(key);
    if (v === undefined || v === null) {
      if (fallback === undefined) throw new InputError('missing', { file: this.file, field: key });
      return fallback;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(key, `an integer >= ${min}`);
    return v;
  }

  number(key: string, fallback?: number): number {
    const v = this.get(key);
    if (v === undefined || v === null) {
      if (fallback === undefined) throw new InputError('missing', { file: this.file, field: key });
      return fallback;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, 'a number');
    return v;
  }

  string(key: string, fallback?: string): string {
    const v = this.get(key);
    if (v === undefined || v === null) {
      if (fallback === undefined) throw new InputError('missing', { file: this.file, field: key });
      return fallback;
    }
    if (typeof v !== 'string') this.fail(key, 'a string');
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.fail(key, 'true or false');
    return v;
  }
}

import { parseJsonObject } from '../data/json-objects.ts';
import { readLines } from '../data/read-lines.ts';
import { InputError } from '../errors.ts';

/** One line of `lsr encode` output: `{"id", "nnz", "vector": {"<key>": weight}}`. */
export interface EncodedRecord {
  id: string;
  vector: Record<string, number>;
}

/**
 * Parses one encoded line; weights must be finite and ≥ 0 (SPLADE weights are log(1 + relu(·))), which
 * the pruned search relies on. Blank lines give undefined.
 */
export function parseEncodedLine(text: string, file: string, line: number): EncodedRecord | undefined {
  if (text.trim() === '') return undefined;
  const { id, vector } = parseJsonObject(text, { file, line });
  if (typeof id !== 'string' || id === '') throw new InputError('expected a non-empty string', { file, line, field: 'id' });
  if (typeof vector !== 'object' || vector === null || Array.isArray(vector)) {
    throw new InputError('expected an object of key → weight', { file, line, field: 'vector' });
  }
  const weights = vector as Record<string, unknown>;
  for (const key in weights) {
    const w = weights[key];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new InputError(`weight of "${key}" must be a finite number ≥ 0`, { file, line, field: 'vector' });
    }
  }
  return { id, vector: weights as Record<string, number> };
}

/** Streams the records of an `lsr encode` JSONL file (`-` is stdin). */
export async function* readEncoded(file: string, stdin?: NodeJS.ReadableStream): AsyncGenerator<EncodedRecord & { line: number }> {
  for await (const { text, line } of readLines(file, stdin)) {
    const rec = parseEncodedLine(text, file, line);
    if (rec) yield { ...rec, line };
  }
}

import fs from 'node:fs';
import { InputError, type InputLocation } from '../errors.ts';
import { readLines } from './read-lines.ts';

export type JsonObject = Record<string, unknown>;

/** `text` as a JSON object, or why it is not one (for readers that log bad lines instead of stopping). */
export function tryParseJsonObject(text: string): { ok: true; value: JsonObject } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not valid JSON (${(err as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'expected a JSON object' };
  return { ok: true, value: value as JsonObject };
}

/** `text` as a JSON object, or an InputError at `where`. */
export function parseJsonObject(text: string, where: InputLocation): JsonObject {
  const parsed = tryParseJsonObject(text);
  if (!parsed.ok) throw new InputError(parsed.reason, where);
  return parsed.value;
}

/** A JSON file holding one object; `unreadable` is the message when the file cannot be read. */
export function readJsonObjectFile(file: string, unreadable: string): JsonObject {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new InputError(unreadable, { file });
  }
  return parseJsonObject(text, { file });
}

/** Streams the objects of a JSONL file (`-` is stdin), strictly; blank lines are skipped. */
export async function* readJsonObjects(file: string, stdin?: NodeJS.ReadableStream): AsyncGenerator<{ obj: JsonObject; line: number }> {
  for await (const { text, line } of readLines(file, stdin)) {
    if (text.trim() === '') continue;
    yield { obj: parseJsonObject(text, { file, line }), line };
  }
}

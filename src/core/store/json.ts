/** Serializes a value for a JSON column; refuses what JSON cannot hold (undefined, functions, cycles). */
export function toJson(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new Error(`${what} cannot be stored as JSON: ${(err as Error).message}`);
  }
  if (text === undefined) throw new Error(`${what} cannot be stored as JSON`);
  return text;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

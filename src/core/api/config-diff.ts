import type { ConfigCell, JsonValue } from '../../shared/contract.ts';

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Leaves of a config by dotted path; arrays and empty objects are leaves, compared whole. */
export function flattenConfig(config: { [key: string]: JsonValue }, prefix = '', into = new Map<string, JsonValue>()): Map<string, JsonValue> {
  for (const [key, value] of Object.entries(config)) {
    const path = prefix + key;
    if (isObject(value) && Object.keys(value).length > 0) flattenConfig(value, `${path}.`, into);
    else into.set(path, value);
  }
  return into;
}

/** JSON text with object keys sorted, so `{a, b}` and `{b, a}` compare equal. */
function canonical(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const collator = new Intl.Collator('en', { numeric: true });

/**
 * The keys whose values differ across configs (a key one config lacks differs from every value), with each
 * config's cell, sorted by key; and how many keys are the same everywhere.
 */
export function configDiff(configs: readonly { [key: string]: JsonValue }[]): { rows: { key: string; values: ConfigCell[] }[]; sameCount: number } {
  const flat = configs.map((c) => flattenConfig(c));
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort(collator.compare);
  const rows: { key: string; values: ConfigCell[] }[] = [];
  let sameCount = 0;
  for (const key of keys) {
    const cells: ConfigCell[] = flat.map((m) => (m.has(key) ? { present: true, value: m.get(key)! } : { present: false }));
    const texts = new Set(cells.map((c) => (c.present ? canonical(c.value) : '\u0000absent')));
    if (texts.size > 1) rows.push({ key, values: cells });
    else sameCount++;
  }
  return { rows, sameCount };
}

import { InputError } from '../errors.ts';

/** Checks an impact quantization factor (finite, > 0). */
export function validateQuantization(factor: number, field = '--quantization'): number {
  if (!Number.isFinite(factor) || factor <= 0) throw new InputError(`must be a number > 0, got ${factor}`, { field });
  return factor;
}

/** An integer impact: round(w × factor), halves rounded up, computed in float64 from the float32 weight. */
export function quantizeWeight(weight: number, factor: number): number {
  return Math.round(weight * factor);
}

export interface QuantizedVector {
  /** Token string → integer impact (> 0), in increasing term id of each token's first id. */
  terms: Map<string, number>;
  /** Terms left out because their token string holds whitespace (it cannot be a pretokenized term). */
  whitespaceDropped: number;
}

/**
 * Token-keyed integer impacts of a SPLADE vector. Zeros after rounding are dropped. Two ids with the same
 * token string (rare; a vocabulary quirk) become one term whose impact is the sum, as a pretokenized
 * index would count them. `tokenOf` names an id; ids the tokenizer cannot name are keyed `[id:N]`.
 */
export function quantizeVector(
  termIds: ArrayLike<number>,
  weights: ArrayLike<number>,
  factor: number,
  tokenOf: (id: number) => string | undefined,
): QuantizedVector {
  const terms = new Map<string, number>();
  let whitespaceDropped = 0;
  for (let i = 0; i < termIds.length; i++) {
    const q = quantizeWeight(weights[i]!, factor);
    if (q <= 0) continue;
    const id = termIds[i]!;
    const token = tokenOf(id) ?? `[id:${id}]`;
    if (/\s/.test(token) || token === '') {
      whitespaceDropped++;
      continue;
    }
    terms.set(token, (terms.get(token) ?? 0) + q);
  }
  return { terms, whitespaceDropped };
}

/** One JsonVectorCollection line: `{"id", "contents", "vector": {"<token>": int}}`. */
export function jsonVectorLine(id: string, contents: string, terms: Map<string, number>): string {
  const entries: string[] = [];
  for (const [token, q] of terms) entries.push(`${JSON.stringify(token)}:${q}`);
  return `{"id":${JSON.stringify(id)},"contents":${JSON.stringify(contents)},"vector":{${entries.join(',')}}}`;
}

/** One query line for Anserini's `-topicReader TsvString -impact -pretokenized`: each token repeated impact times. */
export function impactQueryLine(id: string, terms: Map<string, number>): string {
  const tokens: string[] = [];
  for (const [token, q] of terms) for (let r = 0; r < q; r++) tokens.push(token);
  return `${id}\t${tokens.join(' ')}`;
}

import type { SpladeEncoder, TextKind } from './encoder.ts';

export interface InputToken {
  /** Position in the model's input (special tokens included). */
  position: number;
  id: number;
  token: string;
  /** The token's surface text (`TextTokenizer.tokenTexts`). */
  text: string;
}

export interface ActivatedTerm {
  id: number;
  token: string;
  /** The term's surface text (`TextTokenizer.tokenTexts`). */
  text: string;
  weight: number;
  /** The term is none of the input's token ids: the model added it. */
  expansion: boolean;
  /** The input token whose logit for this term was the max over the text. */
  source: { position: number; token: string };
}

export interface TermInspection {
  tokens: InputToken[];
  /** The text had more tokens than the max length and was cut. */
  truncated: boolean;
  nnz: number;
  /** Σ of all weights (the vector's L1 norm). */
  l1: number;
  /** The `top` heaviest terms, heaviest first (ties: lower id first). */
  terms: ActivatedTerm[];
}

/** Encodes one text and explains its SPLADE vector: top terms, expansions, and the input token behind each. */
export async function inspectTerms(encoder: SpladeEncoder, text: string, kind: TextKind, top: number): Promise<TermInspection> {
  const tokenizer = encoder.tokenizer;
  const tokenOf = (id: number): string => tokenizer.idToToken(id) ?? `#${id}`;
  let encoded: { vector: { termIds: Int32Array; weights: Float32Array; positions: Int32Array }; inputIds: number[] } | undefined;
  for await (const item of encoder.encodeStream([{ id: '0', text }], kind)) encoded = item;
  if (!encoded) throw new Error('the encoder returned nothing');
  const [full] = await tokenizer.encodeBatch([text], undefined);
  const { vector, inputIds } = encoded;
  const order = Array.from(vector.termIds.keys()).sort((a, b) => vector.weights[b]! - vector.weights[a]! || vector.termIds[a]! - vector.termIds[b]!);
  const shown = order.slice(0, top);
  const texts = await tokenizer.tokenTexts([...inputIds, ...shown.map((i) => vector.termIds[i]!)]);
  const tokens = inputIds.map((id, position) => ({ position, id, token: tokenOf(id), text: texts[position]! }));
  const inInput = new Set(inputIds);
  let l1 = 0;
  for (const w of vector.weights) l1 += w;
  const terms = shown.map((i, rank): ActivatedTerm => {
    const id = vector.termIds[i]!;
    const position = vector.positions[i]!;
    return {
      id,
      token: tokenOf(id),
      text: texts[inputIds.length + rank]!,
      weight: vector.weights[i]!,
      expansion: !inInput.has(id),
      source: { position, token: tokens[position]?.token ?? `#${position}` },
    };
  });
  return { tokens, truncated: (full?.ids.length ?? 0) > inputIds.length, nnz: vector.termIds.length, l1, terms };
}

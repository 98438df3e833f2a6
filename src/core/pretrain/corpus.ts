import fs from 'node:fs';
import { CancelledError, InputError } from '../errors.ts';

/**
 * How lines become training sequences.
 * - `concat` (default): every non-blank line is tokenized with the tokenizer's special tokens
 *   (`[CLS] … [SEP]`), the token streams are concatenated in file order and cut into blocks of exactly
 *   max-length tokens, as `run_mlm.py`'s `group_texts` does. No padding and no token is thrown away except
 *   the final partial block (kept only when it is the only one). A block may start mid-line; the `[SEP]`
 *   / `[CLS]` between lines stay in place and are never masked.
 * - `line`: each non-blank line is one sequence, truncated to max length (`--line_by_line`); batches are
 *   right-padded. Simpler, but short lines waste most of each row.
 */
export type Packing = 'concat' | 'line';

/** The part of a tokenizer the corpus needs (the engine's `TextTokenizer` fits). */
export interface TokenEncoder {
  encodeBatch(texts: readonly string[], maxLength: number | undefined): Promise<{ ids: number[] }[]>;
}

/** Variable-length token sequences stored back to back: sequence i is `ids[offsets[i] … offsets[i+1])`. */
export interface SequenceSet {
  count: number;
  offsets: Int32Array;
  ids: Int32Array;
  /** Lines read (non-blank). */
  lines: number;
  /** Tokens over all sequences. */
  tokens: number;
}

export interface CorpusOptions {
  maxLength: number;
  packing: Packing;
  /** Lines per tokenizer call. */
  chunkLines?: number;
  onProgress?: (linesDone: number, lines: number) => void;
  signal?: AbortSignal;
}

/** Non-blank lines of a UTF-8 text file (`\n` or `\r\n`), trailing whitespace trimmed. */
export function readTextLines(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read (${(err as Error).message})`, { file });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.trim() !== '') lines.push(line);
  }
  return lines;
}

export function sequenceAt(set: SequenceSet, i: number): Int32Array {
  return set.ids.subarray(set.offsets[i]!, set.offsets[i + 1]!);
}

function fromLists(lists: Int32Array[], lines: number): SequenceSet {
  const offsets = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) offsets[i + 1] = offsets[i]! + lists[i]!.length;
  const ids = new Int32Array(offsets[lists.length]!);
  lists.forEach((l, i) => ids.set(l, offsets[i]!));
  return { count: lists.length, offsets, ids, lines, tokens: ids.length };
}

/** Tokenizes a text file's lines and packs them (see `Packing`). Errors name the file. */
export async function buildSequences(file: string, encoder: TokenEncoder, opts: CorpusOptions): Promise<SequenceSet> {
  if (!Number.isInteger(opts.maxLength) || opts.maxLength < 2) throw new Error(`max length must be an integer ≥ 2, got ${opts.maxLength}`);
  const lines = readTextLines(file);
  if (lines.length === 0) throw new InputError('no text: every line is blank', { file });
  const chunk = opts.chunkLines ?? 512;
  const truncate = opts.packing === 'line' ? opts.maxLength : undefined;
  const perLine: Int32Array[] = [];
  for (let start = 0; start < lines.length; start += chunk) {
    if (opts.signal?.aborted) throw new CancelledError();
    const encoded = await encoder.encodeBatch(lines.slice(start, start + chunk), truncate);
    for (const e of encoded) perLine.push(Int32Array.from(e.ids));
    opts.onProgress?.(Math.min(start + chunk, lines.length), lines.length);
  }
  if (opts.packing === 'line') return fromLists(perLine.filter((l) => l.length > 0), lines.length);

  const total = perLine.reduce((n, l) => n + l.length, 0);
  const stream = new Int32Array(total);
  let at = 0;
  for (const l of perLine) {
    stream.set(l, at);
    at += l.length;
  }
  const full = Math.floor(total / opts.maxLength);
  const blocks: Int32Array[] = [];
  for (let b = 0; b < full; b++) blocks.push(stream.subarray(b * opts.maxLength, (b + 1) * opts.maxLength));
  if (full === 0 && total > 0) blocks.push(stream);
  return fromLists(blocks, lines.length);
}

import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';

/** What masking needs from a tokenizer folder beyond encoding: the mask token and every special id. */
export interface SpecialTokens {
  maskTokenId: number;
  /** Ids of every special token (transformers' `all_special_ids`): never masked, never a random replacement. */
  specialIds: Set<number>;
}

function readJson(file: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const json: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch (err) {
    throw new InputError(`not valid JSON (${(err as Error).message})`, { file });
  }
  throw new InputError('expected a JSON object', { file });
}

/** A special token is written as a string or as an AddedToken object `{"content": …}`. */
function tokenText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

/** The mask token's text: tokenizer_config.json, else special_tokens_map.json, else undefined. */
function declaredMaskToken(folder: string): string | undefined {
  const config = readJson(path.join(folder, 'tokenizer_config.json'));
  const map = readJson(path.join(folder, 'special_tokens_map.json'));
  return tokenText(config?.mask_token) ?? tokenText(map?.mask_token);
}

const MASK_FALLBACKS = ['[MASK]', '<mask>'];
const BERT_SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

/**
 * Reads the special tokens of a Hugging Face tokenizer folder: `tokenizer.json`'s added tokens marked
 * `special`, or for a `vocab.txt`-only BERT tokenizer the five BERT specials present in the vocabulary.
 */
export function readSpecialTokens(folder: string): SpecialTokens {
  const jsonFile = path.join(folder, 'tokenizer.json');
  const byText = new Map<string, number>();
  const specialIds = new Set<number>();
  let source: string;
  const tok = readJson(jsonFile);
  if (tok) {
    source = jsonFile;
    const added = tok.added_tokens;
    if (added !== undefined && !Array.isArray(added)) throw new InputError('expected a list', { file: jsonFile, field: 'added_tokens' });
    for (const entry of (added ?? []) as unknown[]) {
      const e = entry as { id?: unknown; content?: unknown; special?: unknown };
      if (typeof e.id !== 'number' || typeof e.content !== 'string') {
        throw new InputError('an added token needs a numeric id and a content string', { file: jsonFile, field: 'added_tokens' });
      }
      byText.set(e.content, e.id);
      if (e.special === true) specialIds.add(e.id);
    }
  } else {
    source = path.join(folder, 'vocab.txt');
    if (!fs.existsSync(source)) throw new InputError('no tokenizer: expected tokenizer.json or vocab.txt', { file: folder });
    const lines = fs.readFileSync(source, 'utf8').split('\n');
    lines.forEach((token, i) => {
      if (BERT_SPECIALS.includes(token)) {
        byText.set(token, i);
        specialIds.add(i);
      }
    });
  }
  const declared = declaredMaskToken(folder);
  const maskText = [declared, ...MASK_FALLBACKS].find((t) => t !== undefined && byText.has(t));
  if (maskText === undefined) {
    throw new InputError(`the tokenizer has no mask token${declared ? ` (declared "${declared}" is not a token)` : ''}`, {
      file: source,
      field: 'mask_token',
    });
  }
  const maskTokenId = byText.get(maskText)!;
  specialIds.add(maskTokenId);
  return { maskTokenId, specialIds };
}

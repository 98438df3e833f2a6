import fs from 'node:fs';
import path from 'node:path';
import { readTokenizerSettings } from '../tokenize/tokenizer-config.ts';

export const TOKENIZER_FILE_NAMES = ['tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json'] as const;

const SPECIAL_TOKENS_MAP = 'special_tokens_map.json';
const TOKENIZER_CONFIG = 'tokenizer_config.json';

/** The special tokens BertTokenizer(Fast) uses when nothing overrides them. */
const BERT_SPECIALS = { unk: '[UNK]', sep: '[SEP]', pad: '[PAD]', cls: '[CLS]', mask: '[MASK]' } as const;

function isBertFamily(modelType: string | undefined, from: string): boolean {
  if (modelType === 'bert' || modelType === 'distilbert') return true;
  return fs.existsSync(path.join(from, 'vocab.txt')) && !fs.existsSync(path.join(from, 'tokenizer.json'));
}

/** `json.dumps(…, indent=2, sort_keys=True) + "\n"`, as transformers writes its tokenizer JSON files. */
function sortedJson(obj: Record<string, unknown>): string {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(obj).sort()) sorted[key] = obj[key];
  return JSON.stringify(sorted, null, 2) + '\n';
}

export interface TokenizerCopyOptions {
  /** `model_type` of the model's config.json (decides the BERT defaults below). */
  modelType: string | undefined;
  /** `model_max_length` for a tokenizer_config.json written here. */
  maxLength: number;
}

/**
 * Copies the tokenizer files of a model folder. `tokenizer.save_pretrained` always writes
 * `tokenizer_config.json` and `special_tokens_map.json`; when the source lacks them (a BERT folder with only
 * `vocab.txt` / `tokenizer.json`), they are written with the settings the tokenizer is loaded with here
 * (BertTokenizerFast defaults), so the folder loads the same way everywhere. Returns the names written.
 */
export function copyTokenizerFiles(from: string, to: string, opts: TokenizerCopyOptions): string[] {
  const written: string[] = [];
  for (const name of TOKENIZER_FILE_NAMES) {
    const src = path.join(from, name);
    if (!fs.existsSync(src)) continue;
    fs.copyFileSync(src, path.join(to, name));
    written.push(name);
  }
  if (!isBertFamily(opts.modelType, from)) return written;
  const settings = readTokenizerSettings(from);
  const specials = {
    cls_token: settings.special.cls ?? BERT_SPECIALS.cls,
    mask_token: settings.special.mask ?? BERT_SPECIALS.mask,
    pad_token: settings.special.pad ?? BERT_SPECIALS.pad,
    sep_token: settings.special.sep ?? BERT_SPECIALS.sep,
    unk_token: settings.special.unk ?? BERT_SPECIALS.unk,
  };
  if (!written.includes(SPECIAL_TOKENS_MAP)) {
    fs.writeFileSync(path.join(to, SPECIAL_TOKENS_MAP), sortedJson(specials));
    written.push(SPECIAL_TOKENS_MAP);
  }
  if (!written.includes(TOKENIZER_CONFIG)) {
    const config = {
      ...specials,
      do_lower_case: settings.doLowerCase ?? true,
      model_max_length: opts.maxLength,
      strip_accents: settings.stripAccents ?? null,
      tokenize_chinese_chars: settings.tokenizeChineseChars ?? true,
      tokenizer_class: 'BertTokenizer',
    };
    fs.writeFileSync(path.join(to, TOKENIZER_CONFIG), sortedJson(config));
    written.push(TOKENIZER_CONFIG);
  }
  return written.sort();
}

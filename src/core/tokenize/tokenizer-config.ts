import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';

/** The parts of `tokenizer_config.json` / `special_tokens_map.json` that change tokenization. */
export interface TokenizerSettings {
  doLowerCase: boolean | undefined;
  stripAccents: boolean | undefined;
  tokenizeChineseChars: boolean | undefined;
  tokenizerClass: string | undefined;
  modelMaxLength: number | undefined;
  special: { unk?: string; sep?: string; pad?: string; cls?: string; mask?: string };
}

function readJsonObject(file: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`not valid JSON (${(err as Error).message})`, { file });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError('expected a JSON object', { file });
  return json as Record<string, unknown>;
}

/** A special token is written as a string or as an AddedToken object `{"content": …}`. */
function tokenText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

function optionalBool(obj: Record<string, unknown> | undefined, key: string, file: string): boolean | undefined {
  const v = obj?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new InputError(`expected true, false or null, got ${JSON.stringify(v)}`, { file, field: key });
  return v;
}

export function readTokenizerSettings(folder: string): TokenizerSettings {
  const configFile = path.join(folder, 'tokenizer_config.json');
  const config = readJsonObject(configFile);
  const specialMap = readJsonObject(path.join(folder, 'special_tokens_map.json'));
  const special = (key: string): string | undefined => tokenText(config?.[key]) ?? tokenText(specialMap?.[key]);
  const maxLen = config?.model_max_length;
  return {
    doLowerCase: optionalBool(config, 'do_lower_case', configFile),
    stripAccents: optionalBool(config, 'strip_accents', configFile),
    tokenizeChineseChars: optionalBool(config, 'tokenize_chinese_chars', configFile),
    tokenizerClass: typeof config?.tokenizer_class === 'string' ? config.tokenizer_class : undefined,
    // transformers writes a huge sentinel (1e30) when there is no limit.
    modelMaxLength: typeof maxLen === 'number' && Number.isInteger(maxLen) && maxLen > 0 && maxLen < 1e7 ? maxLen : undefined,
    special: {
      unk: special('unk_token'),
      sep: special('sep_token'),
      pad: special('pad_token'),
      cls: special('cls_token'),
      mask: special('mask_token'),
    },
  };
}

import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer, WordPiece, bertNormalizer, bertPreTokenizer, bertProcessing } from 'tokenizers';
import { InputError } from '../errors.ts';
import { TextTokenizer } from './text-tokenizer.ts';
import { readTokenizerSettings, type TokenizerSettings } from './tokenizer-config.ts';

const BERT_CLASSES = new Set(['BertTokenizer', 'BertTokenizerFast', 'DistilBertTokenizer', 'DistilBertTokenizerFast']);

/**
 * transformers' BertTokenizerFast rebuilds a BertNormalizer whose lowercase / strip_accents /
 * handle_chinese_chars differ from its own arguments (do_lower_case defaulting to true). Mirror that.
 */
function applyBertOverrides(json: Record<string, unknown>, s: TokenizerSettings, modelType: string | undefined): void {
  const normalizer = json.normalizer as Record<string, unknown> | null | undefined;
  if (!normalizer || normalizer.type !== 'BertNormalizer') return;
  const isBert = s.tokenizerClass !== undefined ? BERT_CLASSES.has(s.tokenizerClass) : modelType === 'bert' || modelType === 'distilbert';
  if (!isBert) return;
  const lower = s.doLowerCase ?? true;
  const strip = s.stripAccents ?? null;
  const chinese = s.tokenizeChineseChars ?? true;
  if ((normalizer.lowercase ?? lower) !== lower || (normalizer.strip_accents ?? strip) !== strip || (normalizer.handle_chinese_chars ?? chinese) !== chinese) {
    normalizer.lowercase = lower;
    normalizer.strip_accents = strip;
    normalizer.handle_chinese_chars = chinese;
  }
}

function fromTokenizerJson(file: string, settings: TokenizerSettings, modelType: string | undefined): () => Promise<Tokenizer> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new InputError(`not valid JSON (${(err as Error).message})`, { file });
  }
  applyBertOverrides(json, settings, modelType);
  const text = JSON.stringify(json);
  const create = (): Tokenizer => {
    try {
      return Tokenizer.fromString(text);
    } catch (err) {
      throw new InputError(`the tokenizers library cannot load it (${(err as Error).message})`, { file });
    }
  };
  create(); // fail now, not at first use
  return () => Promise.resolve(create());
}

/** BertTokenizerFast built from vocab.txt alone, as transformers converts the slow tokenizer. */
function fromVocabTxt(file: string, settings: TokenizerSettings): () => Promise<Tokenizer> {
  // As transformers' load_vocab: one token per line (only "\n" stripped), id = line number, a repeated token
  // keeping its last line.
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const ids = new Map<string, number>();
  lines.forEach((token, i) => ids.set(token, i));
  const sp = {
    unk: settings.special.unk ?? '[UNK]',
    sep: settings.special.sep ?? '[SEP]',
    pad: settings.special.pad ?? '[PAD]',
    cls: settings.special.cls ?? '[CLS]',
    mask: settings.special.mask ?? '[MASK]',
  };
  for (const [role, token] of Object.entries(sp)) {
    if (role !== 'mask' && role !== 'pad' && !ids.has(token)) {
      throw new InputError(`the ${role} token ${token} is not in the vocabulary`, { file });
    }
  }
  const lower = settings.doLowerCase ?? true;
  return async () => {
    const model = WordPiece.init(Object.fromEntries(ids), { unkToken: sp.unk, continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 });
    const tok = new Tokenizer(model);
    tok.setNormalizer(
      bertNormalizer({
        cleanText: true,
        handleChineseChars: settings.tokenizeChineseChars ?? true,
        // strip_accents unset follows lowercase, as in BERT's BasicTokenizer.
        stripAccents: settings.stripAccents ?? lower,
        lowercase: lower,
      }),
    );
    tok.setPreTokenizer(bertPreTokenizer());
    tok.setPostProcessor(bertProcessing([sp.sep, ids.get(sp.sep)!], [sp.cls, ids.get(sp.cls)!]));
    tok.addSpecialTokens([sp.pad, sp.unk, sp.cls, sp.sep, sp.mask].filter((t) => ids.has(t)));
    return tok;
  };
}

function padIdOf(tok: Tokenizer, settings: TokenizerSettings, fallback: number | undefined): number {
  for (const candidate of [settings.special.pad, '[PAD]', '<pad>']) {
    if (candidate === undefined) continue;
    const id = tok.tokenToId(candidate);
    if (id !== null && id !== undefined) return id;
  }
  return fallback ?? 0;
}

/**
 * Loads the tokenizer of a Hugging Face folder: `tokenizer.json` (any model the tokenizers library knows:
 * WordPiece, byte-level BPE, …), else a BERT WordPiece tokenizer from `vocab.txt`.
 * `modelConfig` (config.json) supplies `model_type` and the pad id fallback.
 */
export async function loadTokenizer(folder: string, modelConfig: Record<string, unknown> = {}): Promise<TextTokenizer> {
  const settings = readTokenizerSettings(folder);
  const jsonFile = path.join(folder, 'tokenizer.json');
  const vocabFile = path.join(folder, 'vocab.txt');
  let create: () => Promise<Tokenizer>;
  let source: string;
  const modelType = typeof modelConfig.model_type === 'string' ? modelConfig.model_type : undefined;
  if (fs.existsSync(jsonFile)) {
    create = fromTokenizerJson(jsonFile, settings, modelType);
    source = jsonFile;
  } else if (fs.existsSync(vocabFile)) {
    create = fromVocabTxt(vocabFile, settings);
    source = vocabFile;
  } else {
    throw new InputError('no tokenizer: expected tokenizer.json or vocab.txt in the model folder', { file: folder });
  }
  const base = await create();
  const configPad = typeof modelConfig.pad_token_id === 'number' ? modelConfig.pad_token_id : undefined;
  return new TextTokenizer(create, base, padIdOf(base, settings, configPad), settings.modelMaxLength, source);
}

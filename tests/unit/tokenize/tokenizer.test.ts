import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { padRight } from '../../../src/core/tokenize/batch.ts';
import { loadTokenizer } from '../../../src/core/tokenize/load-tokenizer.ts';
import { copyTokenizerFiles, makeTempDir } from '../../helpers/tiny-checkpoint.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/tokenizers');
// Ids straight from the vocabulary files: vocab.txt line numbers, tokenizer.json's model.vocab.
const BERT_VOCAB = fs.readFileSync(path.join(FIXTURES, 'bert-base-uncased/vocab.txt'), 'utf8').split('\n');
const bertId = (token: string): number => {
  const i = BERT_VOCAB.indexOf(token);
  if (i < 0) throw new Error(`${token} not in vocab.txt`);
  return i;
};
const MODERN_VOCAB = (JSON.parse(fs.readFileSync(path.join(FIXTURES, 'modernbert/tokenizer.json'), 'utf8')) as {
  model: { vocab: Record<string, number> };
  added_tokens: { id: number; content: string }[];
});
const modernId = (token: string): number =>
  MODERN_VOCAB.model.vocab[token] ?? MODERN_VOCAB.added_tokens.find((t) => t.content === token)!.id;

// Hand-tokenized by BERT's rules: lower-case, strip accents (NFD, drop Mn), split on punctuation and CJK
// characters, greedy longest-match WordPiece with "##", [UNK] for words it cannot cover.
const BERT_CASES: [string, string[]][] = [
  ['Hello, world!', ['[CLS]', 'hello', ',', 'world', '!', '[SEP]']],
  ['Café naïve RÉSUMÉ', ['[CLS]', 'cafe', 'naive', 'resume', '[SEP]']],
  ['a ☃ snowman 𝔘 ok', ['[CLS]', 'a', '[UNK]', 'snow', '##man', '[UNK]', 'ok', '[SEP]']],
  ['unaffable', ['[CLS]', 'una', '##ffa', '##ble', '[SEP]']],
  ['中文 text', ['[CLS]', '中', '文', 'text', '[SEP]']],
  ["don't [MASK] it", ['[CLS]', 'don', "'", 't', '[MASK]', 'it', '[SEP]']],
];

function folderWith(which: 'bert-base-uncased' | 'bert-vocab-only' | 'modernbert'): string {
  const dir = makeTempDir('lsr-tok-');
  copyTokenizerFiles(dir, which);
  return dir;
}

describe('BERT WordPiece on the real bert-base-uncased vocabulary', () => {
  for (const which of ['bert-base-uncased', 'bert-vocab-only'] as const) {
    it(`gives the hand-checked ids (${which === 'bert-base-uncased' ? 'tokenizer.json' : 'vocab.txt alone'})`, async () => {
      const tok = await loadTokenizer(folderWith(which));
      const encoded = await tok.encodeBatch(
        BERT_CASES.map(([text]) => text),
        undefined,
      );
      BERT_CASES.forEach(([, tokens], i) => {
        expect(encoded[i]!.tokens).toEqual(tokens);
        expect(encoded[i]!.ids).toEqual(tokens.map(bertId));
      });
      expect(tok.padId).toBe(0);
      expect(tok.vocabSize).toBe(30522);
      expect(tok.idToToken(7592)).toBe('hello');
    });
  }

  it('truncates to max length with the specials kept, per call', async () => {
    const tok = await loadTokenizer(folderWith('bert-vocab-only'));
    const [short] = await tok.encodeBatch(['one two three four five six'], 5);
    expect(short!.tokens).toEqual(['[CLS]', 'one', 'two', 'three', '[SEP]']);
    expect(short!.ids).toEqual([101, bertId('one'), bertId('two'), bertId('three'), 102]);
    const [full] = await tok.encodeBatch(['one two three four five six'], 16);
    expect(full!.ids).toHaveLength(8);
  });

  it('honours do_lower_case: false in tokenizer_config.json for both file kinds', async () => {
    for (const which of ['bert-base-uncased', 'bert-vocab-only'] as const) {
      const dir = folderWith(which);
      fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: false, tokenizer_class: 'BertTokenizer' }));
      const tok = await loadTokenizer(dir);
      const [enc] = await tok.encodeBatch(['Hello hello'], undefined);
      // "Hello" keeps its capital and the uncased vocabulary cannot cover it.
      expect(enc!.tokens).toEqual(['[CLS]', '[UNK]', 'hello', '[SEP]']);
    }
  });
});

describe('byte-level BPE on the real ModernBERT tokenizer.json', () => {
  it('gives the hand-checked ids with [CLS]/[SEP] and the pad id from the tokenizer', async () => {
    const tok = await loadTokenizer(folderWith('modernbert'));
    const [enc] = await tok.encodeBatch(['Hello world, café!'], undefined);
    // Byte-level: a leading space becomes Ġ, "é" (UTF-8 C3 A9) becomes "Ã©".
    const tokens = ['[CLS]', 'Hello', 'Ġworld', ',', 'ĠcafÃ©', '!', '[SEP]'];
    expect(enc!.tokens).toEqual(tokens);
    expect(enc!.ids).toEqual(tokens.map(modernId));
    expect(tok.padId).toBe(modernId('[PAD]'));
    const [trunc] = await tok.encodeBatch(['Hello world, café!'], 4);
    expect(trunc!.tokens).toEqual(['[CLS]', 'Hello', 'Ġworld', '[SEP]']);
  });
});

describe('tokenizer errors and padding', () => {
  it('names the folder when there is no tokenizer', async () => {
    const dir = makeTempDir('lsr-tok-');
    const err = await loadTokenizer(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(dir);
    expect((err as Error).message).toContain('no tokenizer');
  });

  it('pads right with the pad id and marks real tokens', () => {
    const b = padRight([[101, 5, 102], [101, 102]], 7);
    expect(b).toMatchObject({ batch: 2, seq: 3, lengths: [3, 2] });
    expect(Array.from(b.ids)).toEqual([101, 5, 102, 101, 102, 7]);
    expect(Array.from(b.mask)).toEqual([1, 1, 1, 1, 1, 0]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportHfFolder } from '../../../src/core/export/hf-export.ts';
import { listFilesRecursive } from '../../../src/core/export/out-folder.ts';
import { readSafetensors } from '../../../src/core/io/safetensors.ts';
import { loadMaskedLm } from '../../../src/core/models/load.ts';
import { encodeTokenBatch } from '../../../src/core/splade/encoder.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { loadTokenizer } from '../../../src/core/tokenize/load-tokenizer.ts';
import { referenceBert, referenceSplade, worstRatio } from '../../helpers/reference-mlm.ts';
import { makeTempDir, writeTinyBert, type TinyCheckpoint } from '../../helpers/tiny-checkpoint.ts';

let ckpt: TinyCheckpoint;
const dirs: string[] = [];
const tempDir = (): string => {
  const d = makeTempDir('lsr-export-');
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  await selectBackend('wasm');
  ckpt = writeTinyBert({ seed: 17 });
  dirs.push(ckpt.dir);
});
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const HF_FILES = ['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt'];
const WORD = 'bert.embeddings.word_embeddings.weight';
const DECODER = 'cls.predictions.decoder.weight';
const BIAS = 'cls.predictions.bias';
// [CLS] hello , world ! [SEP] and [CLS] snow ##man [SEP] in bert-base-uncased ids.
const SEQUENCES = [
  [101, 7592, 1010, 2088, 999, 102],
  [101, 4586, 2386, 102],
];

function tensors(folder: string): Map<string, { shape: number[]; data: Float32Array }> {
  return readSafetensors(path.join(folder, 'model.safetensors')).tensors;
}

describe('exportHfFolder', () => {
  it('k = 4: unties the head, saves decoder = embeddings / 4 and bias / 4, everything else unchanged', () => {
    const out = tempDir();
    const result = exportHfFolder(ckpt.dir, out, { k: 4 });
    expect(listFilesRecursive(out)).toEqual(HF_FILES);
    expect(result.files).toEqual(HF_FILES);

    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.tie_word_embeddings).toBe(false);
    expect({ ...config, tie_word_embeddings: undefined }).toEqual({ ...ckpt.config, tie_word_embeddings: undefined });

    const saved = tensors(out);
    expect([...saved.keys()].sort()).toEqual([...ckpt.weights.keys(), DECODER].sort());
    const word = ckpt.weights.get(WORD)!.data;
    // Dividing by a power of two is exact in float32: the reference is the plain quotient.
    expect(saved.get(DECODER)!.shape).toEqual(ckpt.weights.get(WORD)!.shape);
    expect(Array.from(saved.get(DECODER)!.data)).toEqual(Array.from(word, (x) => x / 4));
    expect(Array.from(saved.get(BIAS)!.data)).toEqual(Array.from(ckpt.weights.get(BIAS)!.data, (x) => x / 4));
    for (const [name, t] of ckpt.weights) {
      if (name === BIAS) continue;
      expect(saved.get(name)!.shape, name).toEqual(t.shape);
      expect(Buffer.from(saved.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
    }
  });

  it('k = 3: the decoder is the correctly rounded float32 quotient (untied input embeddings unchanged)', () => {
    const out = tempDir();
    exportHfFolder(ckpt.dir, out, { k: 3 });
    const saved = tensors(out);
    const word = ckpt.weights.get(WORD)!.data;
    expect(Array.from(saved.get(DECODER)!.data)).toEqual(Array.from(word, (x) => Math.fround(x / 3)));
    expect(Buffer.from(saved.get(WORD)!.data.buffer).equals(Buffer.from(word.buffer))).toBe(true);
  });

  it('the exported folder reloads and gives the SPLADE vectors of the float64 reference with logits / k', async () => {
    const k = 4;
    const out = tempDir();
    exportHfFolder(ckpt.dir, out, { k });
    const model = loadMaskedLm(out);
    try {
      expect(model.info.tied).toBe(false);
      const vectors = await encodeTokenBatch(model, SEQUENCES, 0);
      SEQUENCES.forEach((ids, i) => {
        const ref = referenceBert(ckpt.config, ckpt.weights, [ids], [ids.map(() => 1)]);
        const expected = referenceSplade(
          ref.logits[0]!.map((row) => row.map((v) => v / k)),
          ids.length,
        );
        const dense = new Float64Array(expected.length);
        vectors[i]!.termIds.forEach((t, n) => (dense[t] = vectors[i]!.weights[n]!));
        expect(worstRatio(dense, expected, { scale: 1 / k })).toBeLessThanOrEqual(1);
      });
    } finally {
      model.dispose();
    }
  });

  it('from a run checkpoint: optimizer and trainer state stay behind, weights are byte-identical at k = 1', () => {
    const run = tempDir();
    for (const f of fs.readdirSync(ckpt.dir)) fs.copyFileSync(path.join(ckpt.dir, f), path.join(run, f));
    fs.writeFileSync(path.join(run, 'optimizer.safetensors'), 'not a model file');
    fs.writeFileSync(path.join(run, 'trainer_state.json'), JSON.stringify({ format: 'lsr-trainer/1', step: 3, rescaleK: 2 }));
    const out = tempDir();
    exportHfFolder(run, out);
    expect(listFilesRecursive(out)).toEqual(HF_FILES);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect('tie_word_embeddings' in config).toBe(false);
    const saved = tensors(out);
    expect([...saved.keys()].sort()).toEqual([...ckpt.weights.keys()].sort());
    for (const [name, t] of ckpt.weights) expect(Buffer.from(saved.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
  });

  it('writes the special_tokens_map.json save_pretrained would, and copies tokenizer files as they are', () => {
    const out = tempDir();
    exportHfFolder(ckpt.dir, out);
    expect(fs.readFileSync(path.join(out, 'special_tokens_map.json'), 'utf8')).toBe(
      '{\n  "cls_token": "[CLS]",\n  "mask_token": "[MASK]",\n  "pad_token": "[PAD]",\n  "sep_token": "[SEP]",\n  "unk_token": "[UNK]"\n}\n',
    );
    for (const f of ['tokenizer.json', 'vocab.txt', 'tokenizer_config.json']) {
      expect(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(ckpt.dir, f))), f).toBe(true);
    }
  });

  it('a vocab.txt-only BERT folder gets the tokenizer_config.json save_pretrained writes, and tokenizes the same', async () => {
    const vocabOnly = writeTinyBert({ seed: 2, tokenizer: 'bert-vocab-only' });
    dirs.push(vocabOnly.dir);
    const out = tempDir();
    exportHfFolder(vocabOnly.dir, out);
    expect(listFilesRecursive(out)).toEqual(['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.txt']);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'tokenizer_config.json'), 'utf8'))).toEqual({
      cls_token: '[CLS]',
      do_lower_case: true,
      mask_token: '[MASK]',
      model_max_length: 64,
      pad_token: '[PAD]',
      sep_token: '[SEP]',
      strip_accents: null,
      tokenize_chinese_chars: true,
      tokenizer_class: 'BertTokenizer',
      unk_token: '[UNK]',
    });
    const text = ['Héllo, WORLD! snowman'];
    const [a] = await (await loadTokenizer(vocabOnly.dir)).encodeBatch(text, 64);
    const [b] = await (await loadTokenizer(out)).encodeBatch(text, 64);
    expect(b!.tokens).toEqual(a!.tokens);
    expect(a!.tokens).toEqual(['[CLS]', 'hello', ',', 'world', '!', 'snow', '##man', '[SEP]']);
  });
});

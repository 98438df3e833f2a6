import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFilesRecursive } from '../../../src/core/export/out-folder.ts';
import { exportSentenceTransformers } from '../../../src/core/export/sentence-transformers-export.ts';
import { readSafetensors } from '../../../src/core/io/safetensors.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { makeTempDir, writeTinyBert, writeTinyDistilBert, type TinyCheckpoint } from '../../helpers/tiny-checkpoint.ts';

/*
 * The expected folder, written by hand from sentence-transformers 5.1 (UKPLab/huggingface sentence-transformers):
 * - SentenceTransformer.save (SentenceTransformer.py): config_sentence_transformers.json = _model_config
 *   ({"model_type": class name} + "__version__" {sentence_transformers, transformers, pytorch}) then "prompts"
 *   (default {"query": "", "document": ""}), "default_prompt_name", "similarity_fn_name", json.dump indent=2;
 *   the first module saved at the root when save_in_root, the others in "<idx>_<ClassName>"; modules.json
 *   entries {"idx", "name", "path" (basename, "" for the root), "type" (the class's module path)}, indent=2;
 *   README.md from the model card.
 * - SparseEncoder.similarity_fn_name: "dot" when unset.
 * - sparse_encoder/models/MLMTransformer.py: config_file_name "sentence_bert_config.json", config_keys
 *   ["max_seq_length", "do_lower_case"], save_in_root; save = auto_model.save_pretrained + tokenizer
 *   save_pretrained + save_config; max_seq_length = min(max_position_embeddings, tokenizer model_max_length).
 * - sparse_encoder/models/SpladePooling.py: config_keys ["pooling_strategy", "activation_function",
 *   "word_embedding_dimension"]; save = save_config.
 * - models/Module.py: save_config writes json.dump(get_config_dict(), indent=4) to config.json.
 * - sparse_encoder/model_card.py: tags sentence-transformers, sparse-encoder, sparse (+ "splade" for a
 *   SpladePooling model), pipeline_tag feature-extraction.
 */
const EXPECTED_BERT_FILES = [
  '1_SpladePooling/config.json',
  'README.md',
  'config.json',
  'config_sentence_transformers.json',
  'model.safetensors',
  'modules.json',
  'sentence_bert_config.json',
  'special_tokens_map.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.txt',
];

const EXPECTED_MODULES_JSON = `[
  {
    "idx": 0,
    "name": "0",
    "path": "",
    "type": "sentence_transformers.sparse_encoder.models.MLMTransformer"
  },
  {
    "idx": 1,
    "name": "1",
    "path": "1_SpladePooling",
    "type": "sentence_transformers.sparse_encoder.models.SpladePooling"
  }
]`;

const EXPECTED_POOLING_CONFIG = `{
    "pooling_strategy": "max",
    "activation_function": "relu",
    "word_embedding_dimension": 30522
}`;

const dirs: string[] = [];
let bert: TinyCheckpoint;

beforeAll(async () => {
  await selectBackend('wasm');
  bert = writeTinyBert({ seed: 23 });
  dirs.push(bert.dir);
});
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function exportTo(ckpt: TinyCheckpoint, k: number, maxLength?: number): string {
  const out = makeTempDir('lsr-st-');
  dirs.push(out);
  exportSentenceTransformers(ckpt.dir, out, { k, maxLength, source: { label: 'a test checkpoint', rescaleK: k } });
  return out;
}

const read = (dir: string, rel: string): string => fs.readFileSync(path.join(dir, rel), 'utf8');

describe('sentence-transformers export', () => {
  it('writes exactly the files SparseEncoder.save_pretrained writes for MLMTransformer + SpladePooling', () => {
    const out = exportTo(bert, 2);
    expect(listFilesRecursive(out)).toEqual(EXPECTED_BERT_FILES);
    expect(read(out, 'modules.json')).toBe(EXPECTED_MODULES_JSON);
    expect(read(out, '1_SpladePooling/config.json')).toBe(EXPECTED_POOLING_CONFIG);
    // max_position_embeddings 64 < tokenizer model_max_length 512.
    expect(read(out, 'sentence_bert_config.json')).toBe('{\n    "max_seq_length": 64,\n    "do_lower_case": false\n}');
  });

  it('config_sentence_transformers.json has the keys, order and values of SentenceTransformer.save for a SparseEncoder', () => {
    const out = exportTo(bert, 1);
    const text = read(out, 'config_sentence_transformers.json');
    const config = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(config)).toEqual(['model_type', '__version__', 'prompts', 'default_prompt_name', 'similarity_fn_name']);
    expect(config.model_type).toBe('SparseEncoder');
    expect(Object.keys(config.__version__ as object)).toEqual(['sentence_transformers', 'transformers', 'pytorch']);
    expect((config.__version__ as Record<string, string>).sentence_transformers).toBe('5.1.0');
    // The transformers version is the one the model's config.json names.
    expect((config.__version__ as Record<string, string>).transformers).toBe(bert.config.transformers_version);
    expect(config.prompts).toEqual({ query: '', document: '' });
    expect(Object.keys(config.prompts as object)).toEqual(['query', 'document']);
    expect(config.default_prompt_name).toBeNull();
    expect(config.similarity_fn_name).toBe('dot');
    // json.dump(indent=2): two-space indentation, no trailing newline.
    expect(text.startsWith('{\n  "model_type": "SparseEncoder",\n  "__version__": {\n    "sentence_transformers"')).toBe(true);
    expect(text.endsWith('"similarity_fn_name": "dot"\n}')).toBe(true);
  });

  it('the root is the Hugging Face folder of the rescaled MLM (tie_word_embeddings false, decoder = embeddings / k)', () => {
    const out = exportTo(bert, 2);
    const config = JSON.parse(read(out, 'config.json')) as Record<string, unknown>;
    expect(config.architectures).toEqual(['BertForMaskedLM']);
    expect(config.tie_word_embeddings).toBe(false);
    const t = readSafetensors(path.join(out, 'model.safetensors')).tensors;
    const word = bert.weights.get('bert.embeddings.word_embeddings.weight')!.data;
    expect(Array.from(t.get('cls.predictions.decoder.weight')!.data)).toEqual(Array.from(word, (x) => x / 2));
  });

  it('README.md is a sparse-encoder model card: front matter, architecture block as str(model) prints it', () => {
    const out = exportTo(bert, 1);
    const card = read(out, 'README.md');
    expect(card.startsWith('---\ntags:\n- sentence-transformers\n- sparse-encoder\n- sparse\n- splade\npipeline_tag: feature-extraction\nlibrary_name: sentence-transformers\n---\n')).toBe(true);
    expect(card).toContain(
      "SparseEncoder(\n  (0): MLMTransformer({'max_seq_length': 64, 'do_lower_case': False, 'architecture': 'BertForMaskedLM'})\n" +
        "  (1): SpladePooling({'pooling_strategy': 'max', 'activation_function': 'relu', 'word_embedding_dimension': 30522})\n)",
    );
  });

  it('--max-length sets max_seq_length; DistilBERT gets the same layout', () => {
    const distil = writeTinyDistilBert({ seed: 3 });
    dirs.push(distil.dir);
    const out = exportTo(distil, 1, 32);
    expect(listFilesRecursive(out)).toEqual(EXPECTED_BERT_FILES);
    expect(read(out, 'sentence_bert_config.json')).toBe('{\n    "max_seq_length": 32,\n    "do_lower_case": false\n}');
    expect(read(out, 'README.md')).toContain("'architecture': 'DistilBertForMaskedLM'");
  });
});

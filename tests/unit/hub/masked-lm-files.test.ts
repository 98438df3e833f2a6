import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { missingFromSnapshot, planFiles, shardsFromIndex } from '../../../src/core/hub/masked-lm-files.ts';

describe('planFiles', () => {
  it('takes config, the tokenizer files present, then the weights; ignores the rest', () => {
    const listing = ['README.md', 'model.safetensors', 'pytorch_model.bin', 'vocab.txt', 'config.json', 'tokenizer_config.json', 'onnx/model.onnx'];
    expect(planFiles(listing, 'o/m')).toEqual({
      files: ['config.json', 'vocab.txt', 'tokenizer_config.json', 'model.safetensors'],
      index: undefined,
    });
  });

  it('uses the safetensors index when there is no single file', () => {
    const plan = planFiles(['config.json', 'tokenizer.json', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors'], 'o/m');
    expect(plan).toEqual({ files: ['config.json', 'tokenizer.json', 'model.safetensors.index.json'], index: 'model.safetensors.index.json' });
  });

  it.each([
    [['config.json', 'pytorch_model.bin', 'vocab.txt'], /only PyTorch weights \(pytorch_model\.bin\).*safetensors only/],
    [['config.json', 'vocab.txt'], /no model\.safetensors/],
    [['model.safetensors', 'vocab.txt'], /no config\.json/],
    [['config.json', 'model.safetensors', 'tokenizer_config.json'], /neither tokenizer\.json nor vocab\.txt/],
  ])('refuses %j', (listing, message) => {
    expect(() => planFiles(listing, 'o/m')).toThrow(InputError);
    expect(() => planFiles(listing, 'o/m')).toThrow(message);
  });
});

describe('shardsFromIndex', () => {
  it('lists each shard once, in first-seen order', () => {
    const text = JSON.stringify({ weight_map: { a: 's2.safetensors', b: 's1.safetensors', c: 's2.safetensors' } });
    expect(shardsFromIndex(text, 'idx')).toEqual(['s2.safetensors', 's1.safetensors']);
  });

  it('rejects a bad index, naming the file', () => {
    expect(() => shardsFromIndex('{', 'idx.json')).toThrow(/idx\.json: not valid JSON/);
    expect(() => shardsFromIndex('{}', 'idx.json')).toThrow(/weight_map/);
    expect(() => shardsFromIndex(JSON.stringify({ weight_map: { a: '../x' } }), 'idx.json')).toThrow(/bad shard file name for tensor "a"/);
  });
});

describe('missingFromSnapshot', () => {
  it('names what a folder lacks, following the index to its shards', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lsr-snap-'));
    expect(await missingFromSnapshot(dir)).toEqual([
      'config.json',
      'model.safetensors (or model.safetensors.index.json and its shards)',
      'tokenizer.json or vocab.txt',
    ]);
    await fs.writeFile(path.join(dir, 'config.json'), '{}');
    await fs.writeFile(path.join(dir, 'vocab.txt'), 'a\n');
    await fs.writeFile(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: 's1', b: 's2' } }));
    await fs.writeFile(path.join(dir, 's1'), '');
    expect(await missingFromSnapshot(dir)).toEqual(['s2']);
    await fs.writeFile(path.join(dir, 's2'), '');
    expect(await missingFromSnapshot(dir)).toEqual([]);
    await fs.rm(dir, { recursive: true });
  });
});

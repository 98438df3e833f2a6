import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { jsonErrorOffset } from '../../../src/core/runs/json-error-offset.ts';
import { mergeTrainSpec, parseTrainConfig, readTrainConfigFile } from '../../../src/core/runs/run-config.ts';
import { tempHome } from '../../helpers/temp-home.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ home: dir, cleanup } = tempHome()));
afterEach(() => cleanup());

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('train config files', () => {
  it('reads every run-level field; existing relative paths become absolute, names and hub ids stay', () => {
    fs.mkdirSync(path.join(dir, 'data', 'toy'), { recursive: true });
    const file = path.join(dir, 'cfg.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        name: 'n', tags: ['a'], notes: 'x', kind: 'splade', backbone: ['org/bert', 'org/ModernBERT'], dataset: 'data/toy',
        k: [1, 16], seed: 3, steps: 100, checkpointEvery: 10, evalEvery: 0, collapse: { policy: 'stop' }, backend: 'wasm',
        train: { lr: 2e-5 }, maxParallel: 2,
      }),
    );
    expect(readTrainConfigFile(file)).toEqual({
      name: 'n', tags: ['a'], notes: 'x', kind: 'splade', models: ['org/bert', 'org/ModernBERT'], dataset: path.join(dir, 'data', 'toy'),
      ks: [1, 16], seeds: [3], steps: 100, checkpointEvery: 10, evalEvery: 0, collapse: { policy: 'stop' }, backend: 'wasm',
      train: { lr: 2e-5 }, maxParallel: 2,
    });
  });

  it('names the file and the field at fault', () => {
    const where = { file: 'cfg.json' };
    const cases: [unknown, string][] = [
      [[], 'cfg.json, field "(root)": a train config must be a JSON object'],
      [{ stpes: 3 }, 'cfg.json, field "stpes": unknown field'],
      [{ k: 0 }, 'cfg.json, field "k": k must be a positive number, got 0'],
      [{ k: [4, 4] }, 'cfg.json, field "k": lists the same value twice ([4,4])'],
      [{ seed: [1, 2.5] }, 'cfg.json, field "seed[1]": expected an integer ≥ 0, got 2.5'],
      [{ steps: 0 }, 'cfg.json, field "steps": expected an integer ≥ 1, got 0'],
      [{ model: 'a', backbone: 'b' }, 'cfg.json, field "backbone": give either "model" or "backbone", not both'],
      [{ train: [1] }, 'cfg.json, field "train": expected an object'],
      [{ tags: ['ok', ''] }, 'cfg.json, field "tags[1]": expected a non-empty string, got ""'],
    ];
    for (const [value, message] of cases) expect(thrown(() => parseTrainConfig(value, where, dir)).message.startsWith(message)).toBe(true);
  });

  it('reports the line of a JSON syntax error', () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{\n  "model": "m",\n  "k": [1,\n}\n');
    const err = thrown(() => readTrainConfigFile(file));
    expect(err.location).toMatchObject({ file, line: 4 });
  });
});

describe('mergeTrainSpec', () => {
  it('flags override the file field by field and train key by key; run-level defaults fill the rest', () => {
    const fromFile = { models: ['m'], dataset: 'd', ks: [1, 4], steps: 10, train: { lr: 1, batchSize: 8 } };
    expect(mergeTrainSpec(fromFile, { ks: [16], train: { lr: 2 } }, 'f.json')).toEqual({
      tags: [], notes: '', kind: 'splade', models: ['m'], dataset: 'd', ks: [16], seeds: [42], steps: 10,
      train: { lr: 2, batchSize: 8 }, maxParallel: 1,
    });
  });

  it('requires a model and a dataset, naming the file field or the flag', () => {
    expect(thrown(() => mergeTrainSpec({ dataset: 'd' }, {}, 'f.json')).message).toBe('f.json, field "model": is required (in the file, or as --model)');
    expect(thrown(() => mergeTrainSpec(undefined, { models: ['m'] })).message).toBe('field "--dataset": is required (or give --config FILE)');
  });
});

describe('jsonErrorOffset', () => {
  it('finds the first syntax error where JSON.parse also fails, and none where it succeeds', () => {
    const bad: [string, number][] = [
      ['{"a": [1,\n}', 10],
      ['{"a": 1,,}', 8],
      ['{"a" 1}', 5],
      ['[1, 2', 5],
      ['{"a": tru}', 6],
      ['{"a": "x\ny"}', 8],
      ['{"a": 01}', 7],
      ['{} x', 3],
      ['', 0],
    ];
    for (const [text, at] of bad) {
      expect(() => JSON.parse(text)).toThrow();
      expect([text, jsonErrorOffset(text)]).toEqual([text, at]);
    }
    for (const text of ['{"a": [1, -2.5e3, "\\u00e9\\n", true, false, null, {}], "b": {"c": []}}', ' [ ] ', '"s"', '0']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonErrorOffset(text)).toBe(-1);
    }
  });
});

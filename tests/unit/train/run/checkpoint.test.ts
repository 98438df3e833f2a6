import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../../src/core/io/safetensors.ts';
import { loadMaskedLm } from '../../../../src/core/models/load.ts';
import { selectBackend } from '../../../../src/core/tensor/backend.ts';
import { AdamW } from '../../../../src/core/train/adamw.ts';
import { loadTrainerState, saveTrainingCheckpoint } from '../../../../src/core/train/run/checkpoint.ts';
import { Rng, makeTempDir, writeTinyBert } from '../../../helpers/tiny-checkpoint.ts';

let base: ReturnType<typeof writeTinyBert>;
let out: string;
beforeAll(async () => {
  await selectBackend('wasm');
  // A small vocabulary keeps the arrays compared here short; no text is tokenized.
  base = writeTinyBert({ seed: 4, untied: true, config: { vocab_size: 200 } });
  out = makeTempDir('lsr-trainer-ckpt-');
});
afterAll(() => {
  fs.rmSync(base.dir, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

/** One AdamW update of every parameter with seeded random gradients. */
function update(opt: AdamW, params: Map<string, tf.Variable>, seed: number): void {
  const rng = new Rng(seed);
  const grads = new Map<string, tf.Tensor>();
  for (const [name, v] of params) grads.set(name, tf.tensor(rng.tensor(v.shape, 1).data, v.shape));
  opt.apply(params, grads, 1e-3);
  tf.dispose([...grads.values()]);
}

describe('training checkpoints', () => {
  it('save the HF folder, optimizer moments and trainer state; a resumed trainer gets them back exactly', () => {
    const model = loadMaskedLm(base.dir);
    const opt = new AdamW();
    model.rescaleHead(4);
    update(opt, model.variables, 1);
    update(opt, model.variables, 2);
    const collapse = { zeroRun: 0, zeroSince: 0, saturatedRun: 2, saturatedSince: 1 };
    const dir = path.join(out, 'step-2');
    saveTrainingCheckpoint(dir, model, base.dir, opt, { step: 2, collapse, rescaleK: 4 });
    expect(fs.readdirSync(out)).toEqual(['step-2']); // no `.partial` left behind
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.txt', 'tokenizer_config.json']) {
      expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    }
    const saved = readSafetensors(path.join(dir, 'model.safetensors')).tensors;
    for (const [name, w] of model.exportWeights()) expect(saved.get(name)!.data, name).toEqual(w.data);

    // The reloaded model has the rescaled weights but no memory of k: the trainer state carries it, and a
    // checkpoint saved by the resumed trainer must keep it (it used to write the reloaded model's 1).
    const reloaded = loadMaskedLm(dir);
    expect(reloaded.info.rescaleK).toBe(1);
    const opt2 = new AdamW();
    const state = loadTrainerState(dir, opt2);
    expect(state).toMatchObject({ format: 'lsr-trainer/1', step: 2, collapse, rescaleK: 4 });
    const a = opt.getState();
    const b = opt2.getState();
    expect(b.json).toEqual(a.json);
    expect([...b.tensors.keys()]).toEqual([...a.tensors.keys()]);
    for (const [name, m] of a.tensors) expect(b.tensors.get(name), name).toEqual(m);
    expect(opt2.stepOf('cls.predictions.decoder.weight')).toBe(2);

    // The next update from the reloaded state equals the next update of the original.
    update(opt, model.variables, 3);
    update(opt2, reloaded.variables, 3);
    for (const [name, v] of model.variables) expect(reloaded.variables.get(name)!.dataSync(), name).toEqual(v.dataSync());

    const dir3 = path.join(out, 'step-3');
    saveTrainingCheckpoint(dir3, reloaded, base.dir, opt2, { step: 3, collapse, rescaleK: state.rescaleK });
    expect(loadTrainerState(dir3, new AdamW()).rescaleK).toBe(4);
    for (const m of [model, reloaded]) m.dispose();
    for (const o of [opt, opt2]) o.dispose();
  });
});

import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { loadMaskedLm, saveMaskedLm } from '../../../src/core/models/load.ts';
import type { MaskedLmModel } from '../../../src/core/models/types.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { referenceBert, referenceDistilBert, rowRms, worstRatio, type ReferenceOutput } from '../../helpers/reference-mlm.ts';
import {
  bertConfig,
  randomBertWeights,
  writeHfCheckpoint,
  writeTinyBert,
  writeTinyDistilBert,
  type TinyCheckpoint,
} from '../../helpers/tiny-checkpoint.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

// Right-padded batch: lengths 7, 4 and 2 (real BERT ids; 0 = [PAD]).
const IDS = [
  [101, 7592, 1010, 2088, 999, 2017, 102],
  [101, 4586, 2386, 102, 0, 0, 0],
  [101, 102, 0, 0, 0, 0, 0],
];
const MASK = IDS.map((r, b) => r.map((_, t) => (t < [7, 4, 2][b]! ? 1 : 0)));

async function forward(model: MaskedLmModel): Promise<{ head: Float32Array; logits: Float32Array }> {
  const ids = tf.tensor2d(IDS, undefined, 'int32');
  const mask = tf.tensor2d(MASK, undefined, 'int32');
  const head = model.headHidden(ids, mask);
  const logits = tf.tidy(() => tf.add(tf.matMul(tf.reshape(head, [-1, model.info.hiddenSize]), model.decoderWeight, false, true), model.decoderBias));
  const out = { head: (await head.data()) as Float32Array, logits: (await logits.data()) as Float32Array };
  tf.dispose([ids, mask, head, logits]);
  return out;
}

function flatten(rows: Float64Array[][]): Float64Array {
  const parts = rows.flat();
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function expectMatchesReference(model: MaskedLmModel, ref: ReferenceOutput): Promise<void> {
  const { head, logits } = await forward(model);
  expect(worstRatio(head, flatten(ref.headHidden))).toBeLessThanOrEqual(1);
  // Hidden states (the model's output) at 1e-4 relative / 1e-5 absolute element by element; logits with the
  // relative part taken against the token's logit RMS (near-zero logits are cancellations, see worstRatio).
  expect(worstRatio(logits, flatten(ref.logits), { scale: rowRms(ref.logits.flat()) })).toBeLessThanOrEqual(1);
}

function loadAndCheck(ckpt: TinyCheckpoint, reference: typeof referenceBert): Promise<void> {
  const model = loadMaskedLm(ckpt.dir);
  return expectMatchesReference(model, reference(ckpt.config, ckpt.weights, IDS, MASK)).finally(() => model.dispose());
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('BertForMaskedLM', () => {
  it('matches the float64 reference (tied decoder, padded batch)', async () => {
    const ckpt = writeTinyBert({ seed: 11 });
    const model = loadMaskedLm(ckpt.dir);
    expect(model.info).toMatchObject({ architecture: 'BertForMaskedLM', vocabSize: 30522, hiddenSize: 16, numLayers: 2, tied: true, rescaleK: 1 });
    expect(model.decoderWeight).toBe(model.variables.get('bert.embeddings.word_embeddings.weight'));
    await expectMatchesReference(model, referenceBert(ckpt.config, ckpt.weights, IDS, MASK));
    model.dispose();
  });

  it('matches with an untied head, tanh-free relu activation and 3 heads', async () => {
    const ckpt = writeTinyBert({ seed: 12, untied: true, config: { hidden_size: 24, num_attention_heads: 3, num_hidden_layers: 1 } });
    await loadAndCheck(ckpt, referenceBert);
  });

  it('reads F16 and sharded checkpoints, legacy gamma/beta names, the decoder.bias alias, and ignores pooler and NSP head', async () => {
    const half = writeTinyBert({ seed: 13, dtype: 'F16' });
    // The reference gets the F16-rounded weights the file holds.
    const halfModel = loadMaskedLm(half.dir);
    const stored = halfModel.exportWeights();
    await expectMatchesReference(halfModel, referenceBert(half.config, stored, IDS, MASK));
    halfModel.dispose();

    await loadAndCheck(writeTinyBert({ seed: 14, shardBytes: 600_000 }), referenceBert);
    const legacy = writeTinyBert({ seed: 15, legacyNorms: true, biasAlias: true, pretrainingExtras: true });
    expect(fs.readFileSync(path.join(legacy.dir, 'model.safetensors')).includes('LayerNorm.gamma')).toBe(true);
    const renamed = new Map([...legacy.weights].map(([k, v]) => [k.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias'), v]));
    const model = loadMaskedLm(legacy.dir);
    await expectMatchesReference(model, referenceBert(legacy.config, renamed, IDS, MASK));
    expect(model.variables.has('bert.pooler.dense.weight')).toBe(false);
    model.dispose();
  });

  it('names the tensor and both shapes for a mis-shaped or missing tensor', () => {
    const config = bertConfig();
    const weights = randomBertWeights(config, 3);
    weights.set('bert.encoder.layer.1.intermediate.dense.weight', { shape: [16, 32], data: new Float32Array(512) });
    const dir = writeHfCheckpoint({ config, weights });
    const err = inputError(() => loadMaskedLm(dir));
    expect(err.message).toContain('model.safetensors');
    expect(err.message).toContain('bert.encoder.layer.1.intermediate.dense.weight');
    expect(err.message).toContain('expected shape [32, 16], got [16, 32]');

    weights.delete('bert.encoder.layer.1.intermediate.dense.weight');
    const dir2 = writeHfCheckpoint({ config, weights });
    expect(inputError(() => loadMaskedLm(dir2)).message).toMatch(/bert\.encoder\.layer\.1\.intermediate\.dense\.weight.*missing tensor \(expected shape \[32, 16\]\)/);

    const untiedConfig = bertConfig({ tie_word_embeddings: false });
    const dir3 = writeHfCheckpoint({ config: untiedConfig, weights: randomBertWeights(untiedConfig, 3) });
    expect(inputError(() => loadMaskedLm(dir3)).message).toContain('cls.predictions.decoder.weight');
  });

  it('rejects an unknown architecture, a truncated file and a folder without weights', () => {
    const config = bertConfig({ architectures: ['RobertaForMaskedLM'] });
    const dir = writeHfCheckpoint({ config, weights: new Map() });
    const err = inputError(() => loadMaskedLm(dir));
    expect(err.message).toContain('config.json');
    expect(err.message).toContain('field "architectures"');
    expect(err.message).toContain('RobertaForMaskedLM');

    const ckpt = writeTinyBert({ seed: 4 });
    const file = path.join(ckpt.dir, 'model.safetensors');
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 1000));
    const trunc = inputError(() => loadMaskedLm(ckpt.dir));
    expect(trunc.message).toContain(file);
    expect(trunc.message).toContain('truncated');

    fs.rmSync(file);
    expect(inputError(() => loadMaskedLm(ckpt.dir)).message).toContain('no model.safetensors');
    expect(inputError(() => loadMaskedLm(path.join(ckpt.dir, 'nope'))).message).toContain('model folder not found');
  });
});

describe('DistilBertForMaskedLM', () => {
  it('matches the float64 reference (tied, padded batch)', async () => {
    const ckpt = writeTinyDistilBert({ seed: 21 });
    const model = loadMaskedLm(ckpt.dir);
    expect(model.info).toMatchObject({ architecture: 'DistilBertForMaskedLM', hiddenSize: 16, numLayers: 2, tied: true });
    await expectMatchesReference(model, referenceDistilBert(ckpt.config, ckpt.weights, IDS, MASK));
    model.dispose();
  });

  it('matches with an untied vocab_projector', async () => {
    await loadAndCheck(writeTinyDistilBert({ seed: 22, untied: true, config: { n_layers: 3 } }), referenceDistilBert);
  });
});

describe('rescaleHead', () => {
  /** A 0-layer BERT with hand-set decoder values: vocab 3, hidden 2. */
  function handModel(): { model: MaskedLmModel; dir: string } {
    const config = bertConfig({ vocab_size: 3, hidden_size: 2, num_attention_heads: 1, num_hidden_layers: 0, intermediate_size: 2, max_position_embeddings: 4 });
    const weights = randomBertWeights(config, 5);
    weights.set('bert.embeddings.word_embeddings.weight', { shape: [3, 2], data: Float32Array.of(2, 4, 6, 8, -2, 0) });
    weights.set('cls.predictions.bias', { shape: [3], data: Float32Array.of(1, -3, 0.5) });
    const dir = writeHfCheckpoint({ config, weights, tokenizer: 'none' });
    return { model: loadMaskedLm(dir), dir };
  }

  it('unties and divides decoder weight and bias by k, leaving the input embeddings unchanged', async () => {
    const { model, dir } = handModel();
    model.rescaleHead(2);
    expect(model.info.tied).toBe(false);
    expect(model.info.rescaleK).toBe(2);
    expect(Array.from(await model.decoderWeight.data())).toEqual([1, 2, 3, 4, -1, 0]);
    expect(Array.from(await model.decoderBias.data())).toEqual([0.5, -1.5, 0.25]);
    expect(Array.from(await model.variables.get('bert.embeddings.word_embeddings.weight')!.data())).toEqual([2, 4, 6, 8, -2, 0]);
    expect(model.variables.get('cls.predictions.decoder.weight')).toBe(model.decoderWeight);

    model.rescaleHead(4); // cumulative, now on the untied copy
    expect(model.info.rescaleK).toBe(8);
    expect(Array.from(await model.decoderWeight.data())).toEqual([0.25, 0.5, 0.75, 1, -0.25, 0]);
    expect(Array.from(await model.decoderBias.data())).toEqual([0.125, -0.375, 0.0625]);

    // Saved untied, in HF layout, and loads back as such.
    const out = path.join(dir, 'rescaled');
    saveMaskedLm(model, out);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.tie_word_embeddings).toBe(false);
    const exported = model.exportWeights();
    expect(Array.from(exported.get('cls.predictions.decoder.weight')!.data)).toEqual([0.25, 0.5, 0.75, 1, -0.25, 0]);
    expect(exported.has('cls.predictions.decoder.bias')).toBe(false);
    const reloaded = loadMaskedLm(out);
    expect(reloaded.info.tied).toBe(false);
    expect(Array.from(await reloaded.decoderBias.data())).toEqual([0.125, -0.375, 0.0625]);
    model.dispose();
    reloaded.dispose();
  });

  it('exports every tensor in HF layout (linear weights [out, in]) and leaves a tied decoder out', () => {
    const ckpt = writeTinyBert({ seed: 7 });
    const model = loadMaskedLm(ckpt.dir);
    const exported = model.exportWeights();
    expect([...exported.keys()].sort()).toEqual([...ckpt.weights.keys()].sort());
    for (const [name, t] of ckpt.weights) {
      expect(exported.get(name)!.shape).toEqual(t.shape);
      expect(Array.from(exported.get(name)!.data)).toEqual(Array.from(t.data));
    }
    model.dispose();
  });
});

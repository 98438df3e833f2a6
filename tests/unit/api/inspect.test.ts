import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from 'tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectTermsResult } from '../../../src/shared/contract.ts';
import { loadForEncoding, type ModelLoader } from '../../../src/core/api/model-cache.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { referenceBert } from '../../helpers/reference-mlm.ts';
import { lsrIn } from '../../helpers/run-cli.ts';
import { writeTinyBert, type TinyCheckpoint } from '../../helpers/tiny-checkpoint.ts';
import { engineHarness, type EngineHarness } from './engine-harness.ts';
import { failure } from './api-harness.ts';

const TEXT = 'what is the boiling point of water at high altitude';
const TOKENIZER_JSON = path.resolve(import.meta.dirname, '../../fixtures/tokenizers/bert-base-uncased/tokenizer.json');

let ckpt: TinyCheckpoint;
let api: EngineHarness;
const loads: string[] = [];

/** `lsr encode`'s vector of one text (term id → weight). */
async function encodeCli(text: string, k: number): Promise<Map<number, number>> {
  const input = path.join(api.home, 'in.jsonl');
  fs.writeFileSync(input, JSON.stringify({ id: 'x', text }) + '\n');
  const r = await lsrIn(api.home, ['encode', '--model', ckpt.dir, '--input', input, '--k', String(k)]);
  expect(r.status).toBe(0);
  const row = JSON.parse(r.out.trim()) as { vector: Record<string, number> };
  return new Map(Object.entries(row.vector).map(([id, w]) => [Number(id), w]));
}

beforeAll(async () => {
  await selectBackend('wasm');
  ckpt = writeTinyBert({ seed: 11 });
  const counting: ModelLoader = (folder, k) => {
    loads.push(`${path.basename(folder)} k${k}`);
    return loadForEncoding(folder, k);
  };
  api = engineHarness({ loadModel: counting, modelCacheSize: 2 });
});
afterAll(async () => {
  await api.close();
  fs.rmSync(ckpt.dir, { recursive: true, force: true });
});

describe('inspect.terms', () => {
  let result: InspectTermsResult;

  it('lists the input tokens as the tokenizer gives them and the top terms with the weights of `lsr encode`', async () => {
    result = await api.call('inspect.terms', { model: ckpt.dir, text: TEXT, kind: 'document', top: 400 });
    const hf = Tokenizer.fromFile(TOKENIZER_JSON);
    const enc = await hf.encode(TEXT, null);
    const ids = enc.getIds();
    const texts = await Promise.all(ids.map((id) => hf.decode([id], false)));
    expect(result.tokens).toEqual(enc.getTokens().map((token, position) => ({ position, id: ids[position], token, text: texts[position] })));
    for (const t of result.terms.slice(0, 20)) expect(t.text).toBe(await hf.decode([t.id], false));
    expect(result.tokens[0]!.token).toBe('[CLS]');
    expect(result.truncated).toBe(false);

    const cli = await encodeCli(TEXT, 1);
    expect(result.nnz).toBe(cli.size);
    const byWeight = [...cli.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 400);
    expect(result.terms.map((t) => t.id)).toEqual(byWeight.map(([id]) => id));
    for (const t of result.terms) expect(t.weight).toBe(Math.fround(cli.get(t.id)!));
    let l1 = 0;
    for (const w of cli.values()) l1 += w;
    expect(result.l1).toBeCloseTo(l1, 3);
  });

  it('marks a term as expansion exactly when its id is not among the input ids', () => {
    const inputIds = new Set(result.tokens.map((t) => t.id));
    for (const t of result.terms) expect(t.expansion).toBe(!inputIds.has(t.id));
    // Both kinds occur, so the check above is not vacuous.
    expect(result.terms.some((t) => t.expansion)).toBe(true);
    expect(result.terms.some((t) => !t.expansion)).toBe(true);
  });

  it("names as each term's source the input token whose logit was the max (float64 reference forward)", () => {
    const ids = result.tokens.map((t) => t.id);
    const ref = referenceBert(ckpt.config, ckpt.weights, [ids], [ids.map(() => 1)]).logits[0]!;
    let checked = 0;
    for (const t of result.terms) {
      const column = ref.map((row) => row[t.id]!);
      const order = column.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
      // Positions whose logits are within float32 noise of each other may swap; those are not checked.
      if (order[0]![0] - order[1]![0] < 1e-3) continue;
      checked++;
      expect(t.source).toEqual({ position: order[0]![1], token: result.tokens[order[0]![1]]!.token });
    }
    expect(checked).toBeGreaterThan(result.terms.length * 0.9);
  });

  it('rescales by k like `lsr encode --k`, keeps at most two models loaded, and loads each (folder, k) once', async () => {
    const r4 = await api.call('inspect.terms', { model: ckpt.dir, k: 4, text: TEXT, kind: 'query', top: 50 });
    const cli4 = await encodeCli(TEXT, 4);
    expect(r4.k).toBe(4);
    for (const t of r4.terms) expect(t.weight).toBe(Math.fround(cli4.get(t.id)!));
    // The same non-zero entries at every k (dividing by k > 0 keeps the signs), lighter weights.
    expect(r4.nnz).toBe(result.nnz);
    expect(r4.terms[0]!.weight).toBeLessThan(result.terms[0]!.weight);
    await api.call('inspect.terms', { model: ckpt.dir, text: 'another text', kind: 'document' });
    const base = path.basename(ckpt.dir);
    expect(loads).toEqual([`${base} k1`, `${base} k4`]);
    await api.call('inspect.terms', { model: ckpt.dir, k: 16, text: TEXT, kind: 'document' });
    // k1 was used after k4, so k4 was evicted: asking for it again loads it again.
    await api.call('inspect.terms', { model: ckpt.dir, k: 4, text: TEXT, kind: 'document' });
    expect(loads).toEqual([`${base} k1`, `${base} k4`, `${base} k16`, `${base} k4`]);
  });

  it('says when the text was cut to the max length, and refuses bad params naming the field', async () => {
    const long = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
    const r = await api.call('inspect.terms', { model: ckpt.dir, text: long, kind: 'query', top: 5 });
    expect(r.truncated).toBe(true);
    expect(r.tokens).toHaveLength(64);
    expect(r.tokens.at(-1)!.token).toBe('[SEP]');
    expect(r.terms).toHaveLength(5);
    expect(await failure(api.call('inspect.terms', { model: ckpt.dir, k: 0, text: 'x', kind: 'query' }))).toEqual({
      code: 'bad_request',
      message: 'field "k": the head rescale factor must be a number > 0, got 0',
    });
    expect(await failure(api.call('inspect.terms', { model: '/no/such/folder', text: 'x', kind: 'query' }))).toMatchObject({ code: 'bad_request' });
    expect(await failure(api.call('inspect.terms', { model: ckpt.dir, text: 'x', kind: 'passage' as never }))).toEqual({
      code: 'bad_request',
      message: 'inspect.terms: params.kind must be one of query, document',
    });
  });
});

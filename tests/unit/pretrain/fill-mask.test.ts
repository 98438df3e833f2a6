import { beforeAll, describe, expect, it } from 'vitest';
import { loadMaskedLm } from '../../../src/core/models/load.ts';
import { fillMask } from '../../../src/core/pretrain/fill-mask.ts';
import { readSpecialTokens } from '../../../src/core/pretrain/special-tokens.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { loadTokenizer } from '../../../src/core/tokenize/load-tokenizer.ts';
import { referenceBert } from '../../helpers/reference-mlm.ts';
import { runLsr } from '../../helpers/run-cli.ts';
import { writeTinyBert } from '../../helpers/tiny-checkpoint.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

const tiny = writeTinyBert({ seed: 5 });
const TEXTS = ['the [MASK] was tested in a wind tunnel.', '[MASK] flow over a [MASK] plate.'];

/** Top entries of softmax(logits) in float64, ties to the lower id (as tf.topk). */
function referenceTop(logits: Float64Array, top: number): { id: number; probability: number }[] {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let z = 0;
  for (const v of logits) z += Math.exp(v - max);
  const order = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]! || a - b);
  return order.slice(0, top).map((id) => ({ id, probability: Math.exp(logits[id]! - max) / z }));
}

describe('fillMask', () => {
  it("gives the top tokens and probabilities of softmax(logits) at every mask, as the float64 reference forward does", async () => {
    const tokenizer = await loadTokenizer(tiny.dir, tiny.config);
    const model = loadMaskedLm(tiny.dir);
    const { maskTokenId } = readSpecialTokens(tiny.dir);
    try {
      const results = await fillMask(model, tokenizer, maskTokenId, TEXTS, { top: 5 });
      expect(results.map((r) => r.masks.length)).toEqual([1, 2]);
      for (const r of results) {
        const ref = referenceBert(tiny.config, tiny.weights, [r.ids], [r.ids.map(() => 1)]);
        for (const m of r.masks) {
          expect(r.tokens[m.position]).toBe('[MASK]');
          const expected = referenceTop(ref.logits[0]![m.position]!, 5);
          expect(m.predictions.map((p) => p.id)).toEqual(expected.map((e) => e.id));
          m.predictions.forEach((p, j) => {
            // float32 softmax over 30522 logits against float64: relative agreement.
            expect(Math.abs(p.probability - expected[j]!.probability) / expected[j]!.probability).toBeLessThan(1e-4);
            expect(p.token).toBe(tokenizer.idToToken(p.id));
          });
        }
      }
    } finally {
      model.dispose();
    }
  });

  it('lsr fill-mask: text per mask on stdout, --json one object per text, exit 2 for a text without the mask', async () => {
    const r = await runLsr(['fill-mask', '--model', tiny.dir, '--top', '3', '--json', ...TEXTS]);
    expect(r.status).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { text: string; masks: { predictions: unknown[] }[] });
    expect(lines.map((l) => [l.text, l.masks.length, l.masks[0]!.predictions.length])).toEqual([
      [TEXTS[0], 1, 3],
      [TEXTS[1], 2, 3],
    ]);
    const plain = await runLsr(['fill-mask', '--model', tiny.dir, TEXTS[0]!]);
    expect(plain.out).toMatch(/^the \[MASK\] was tested in a wind tunnel\.\n {2}\[2\] (\S+ \d+\.\d%\s*){5}$/);
    const bad = await runLsr(['fill-mask', '--model', tiny.dir, 'no mask here']);
    expect(bad.status).toBe(2);
    expect(bad.err).toMatch(/text 1 has no \[MASK\] token/);
  });
});

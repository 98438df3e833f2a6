import { beforeAll, describe, expect, it } from 'vitest';
import { loadMaskedLm } from '../../../src/core/models/load.ts';
import { SpladeEncoder, type SparseVector } from '../../../src/core/splade/encoder.ts';
import { selectBackend } from '../../../src/core/tensor/backend.ts';
import { loadTokenizer } from '../../../src/core/tokenize/load-tokenizer.ts';
import { worstRatio } from '../../helpers/reference-mlm.ts';
import { randomModernBertWeights, tinyModernBertConfig } from '../../helpers/modernbert-checkpoint.ts';
import { writeHfCheckpoint } from '../../helpers/tiny-checkpoint.ts';
import { referenceMlmForward } from '../models/modernbert/reference-forward.ts';

// Lengths chosen around the local window (4 → ±2 tokens) so that padding would leak into local layers if unmasked.
const TEXTS = ['Hello world, café!', 'SPLADE', 'a b c d e f g h i j k l', 'what is learned sparse retrieval?'];

beforeAll(async () => {
  await selectBackend('wasm');
});

function dense(v: SparseVector, vocab: number): Float64Array {
  const d = new Float64Array(vocab);
  v.termIds.forEach((t, i) => (d[t] = v.weights[i]!));
  return d;
}

describe('SpladeEncoder on ModernBertForMaskedLM (registry, byte-level BPE tokenizer)', () => {
  it('matches the float64 reference and does not depend on batch composition', async () => {
    const config = tinyModernBertConfig({ vocab_size: 50368, pad_token_id: 50283 });
    const weights = randomModernBertWeights(config, 7);
    const dir = writeHfCheckpoint({ config, weights, tokenizer: 'modernbert' });
    const model = loadMaskedLm(dir);
    const tokenizer = await loadTokenizer(dir, config);
    expect(model.info.architecture).toBe('ModernBertForMaskedLM');
    expect(tokenizer.padId).toBe(50283);
    const V = 50368;
    const batched = await new SpladeEncoder(model, tokenizer, { batchSize: 4 }).encodeTexts(TEXTS, 'document');
    const single = await new SpladeEncoder(model, tokenizer, { batchSize: 1 }).encodeTexts(TEXTS, 'document');
    const encoded = await tokenizer.encodeBatch(TEXTS, 64);
    encoded.forEach((e, i) => {
      const ref = referenceMlmForward(config, weights, e.ids);
      const expected = new Float64Array(V);
      let ss = 0;
      for (const row of ref.logits) {
        for (let j = 0; j < V; j++) {
          expected[j] = Math.max(expected[j]!, Math.log1p(Math.max(0, row[j]!)));
          ss += row[j]! ** 2;
        }
      }
      const scale = Math.sqrt(ss / (V * ref.logits.length));
      expect(worstRatio(dense(batched[i]!, V), expected, { scale })).toBeLessThanOrEqual(1);
      expect(worstRatio(dense(single[i]!, V), dense(batched[i]!, V))).toBeLessThanOrEqual(1);
    });
    model.dispose();
  });
});

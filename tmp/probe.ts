import { selectBackend } from '../src/core/tensor/backend.ts';
import { buildModernBert } from '../src/core/models/modernbert/index.ts';
import { initModernBertWeights } from '../src/core/pretrain/init-weights.ts';
import { MlmMasker } from '../src/core/pretrain/masking.ts';
import { mlmTrainStep } from '../src/core/pretrain/mlm-step.ts';
import { BatchSampler, padRows } from '../src/core/pretrain/batches.ts';
import { buildSequences } from '../src/core/pretrain/corpus.ts';
import { evaluateHeldout, prepareHeldout } from '../src/core/pretrain/evaluate.ts';
import { AdamW } from '../src/core/train/adamw.ts';
import { Rng, deriveSeed } from '../src/core/train/rng.ts';
import { linearWarmupDecay } from '../src/core/train/lr-schedule.ts';
import fs from 'node:fs';

const WORDS = ['one','two','three','four','five','six','seven','eight','nine','ten','eleven','twelve','thirteen','fourteen','fifteen','sixteen','seventeen','eighteen','nineteen','twenty'];
const SPECIALS = ['[PAD]','[UNK]','[CLS]','[SEP]','[MASK]'];
const vocab = [...SPECIALS, ...WORDS];
function lines(seed: number, n: number): string {
  const r = new Rng(seed); const out: string[] = [];
  for (let i = 0; i < n; i++) { const len = 5 + r.int(4); const s = r.int(WORDS.length - len + 1); out.push(WORDS.slice(s, s + len).join(' ')); }
  return out.join('\n') + '\n';
}
fs.writeFileSync('tmp/c.txt', lines(1, 300)); fs.writeFileSync('tmp/h.txt', lines(2, 60));
const enc = { encodeBatch: (texts: readonly string[], max: number | undefined) => Promise.resolve(texts.map(t => { let ids = t.split(' ').map(w => vocab.indexOf(w)); if (max) ids = ids.slice(0, max - 2); return { ids: [2, ...ids, 3] }; })) };
await selectBackend(process.argv[2] ?? 'wasm');
const cfg = { architectures: ['ModernBertForMaskedLM'], vocab_size: vocab.length, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 2, max_position_embeddings: 64, local_attention: 16, pad_token_id: 0, global_attn_every_n_layers: 1 };
const model = buildModernBert(cfg, initModernBertWeights(cfg, 'c', Rng.forStream(1, 'init')), 'c');
const set = await buildSequences('tmp/c.txt', enc, { maxLength: 32, packing: 'concat' });
const hset = await buildSequences('tmp/h.txt', enc, { maxLength: 32, packing: 'concat' });
const masker = new MlmMasker({ maskProb: 0.3, maskTokenId: 4, vocabSize: vocab.length, specialIds: new Set([0,1,2,3,4]) });
const held = prepareHeldout(hset, 16, 0, masker, 1);
const counts = new Map<number, number>(); for (const b of held.batches) for (const l of b.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
console.log('seqs', set.count, 'held masked', held.maskedTokens, 'majority', Math.max(...counts.values()) / held.maskedTokens);
const opt = new AdamW({ weightDecay: 0.01 });
const sampler = new BatchSampler(set.count, 16, 1); const rng = Rng.forStream(1, 'masking');
const steps = Number(process.argv[3] ?? 150); const lr = Number(process.argv[4] ?? 3e-3);
const t0 = performance.now();
for (let s = 0; s < steps; s++) {
  const b = masker.mask(padRows(set, sampler.indices(s), 0), rng);
  const r = mlmTrainStep(model, opt, b, { lr: linearWarmupDecay(s, lr, 10, steps), maxGradNorm: 1, dropoutSeed: deriveSeed(1, `d${s}`) });
  if ((s + 1) % 25 === 0) console.log(s + 1, r.loss.toFixed(3), r.accuracy.toFixed(3), (r.seconds*1000).toFixed(1)+'ms', JSON.stringify(evaluateHeldout(model, held)));
}
console.log('total s', (performance.now() - t0) / 1000);

// Writes MODEL_CARD.md of a demo backbone from the recipe, the pretraining summary, the corpus card and the
// head statistics. Every figure comes from those files; nothing is typed in by hand.
import fs from 'node:fs';
import type { PretrainSummary } from '../../src/core/pretrain/run.ts';
import type { HeadStats } from '../../src/core/splade/head-stats.ts';
import type { FillMaskResult } from '../../src/core/pretrain/fill-mask.ts';
import { stageArgs, type BackboneRecipe } from './recipes.ts';

interface CorpusSource {
  id: string;
  description: string;
  package?: string;
  version?: string;
  license?: string;
  trainLines: number;
  heldoutLines: number;
  words: number;
}

export interface CorpusCard {
  sources: CorpusSource[];
  totals: { train: { lines: number; words: number }; heldout: { lines: number; words: number } };
  outputs: Record<string, { bytes: number; sha256: string }>;
  tokens: Record<string, { train: number; heldout: number; bySource: Record<string, number> }>;
}

export interface CardInput {
  id: string;
  recipe: BackboneRecipe;
  config: Record<string, unknown>;
  /** One per stage, in order. */
  summaries: PretrainSummary[];
  /** `lsr fill-mask --top 5` on the stored model. */
  fillMask: FillMaskResult[];
  stats: HeadStats;
  corpusCard: CorpusCard;
  weightsBytes: number;
  maxAbsWeight: number;
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(2)}%`);
const num = (v: number) => v.toLocaleString('en-US');
const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;

function architectureRows(c: Record<string, unknown>): [string, string][] {
  const g = (k: string) => String(c[k]);
  if (c.model_type === 'modernbert') {
    const every = Number(c.global_attn_every_n_layers);
    const layers = Array.from({ length: Number(c.num_hidden_layers) }, (_, i) => (i % every === 0 ? 'global' : 'local')).join(', ');
    return [
      ['architecture', 'ModernBertForMaskedLM (as Ettin: pre-norm, GeGLU MLP, RoPE, alternating global/local attention, bias-free layers and norms)'],
      ['hidden size / layers / heads', `${g('hidden_size')} / ${g('num_hidden_layers')} / ${g('num_attention_heads')}`],
      ['MLP', `GeGLU, intermediate ${g('intermediate_size')} (Wi: ${g('hidden_size')} → 2×${g('intermediate_size')})`],
      ['attention', `layers ${layers}; local window ${g('local_attention')} tokens; RoPE θ ${g('global_rope_theta')} (global) / ${g('local_rope_theta')} (local)`],
      ['norms and biases', `LayerNorm without bias (norm_bias ${g('norm_bias')}), attention_bias ${g('attention_bias')}, mlp_bias ${g('mlp_bias')}, decoder_bias ${g('decoder_bias')}`],
      ['dropout', 'none'],
      ['max positions', g('max_position_embeddings')],
      ['vocabulary', `${g('vocab_size')} (ModernBERT tokenizer)`],
      ['decoder', c.tie_word_embeddings === false ? 'untied' : 'tied to the input embeddings (untied by the workbench when it rescales the head by k)'],
    ];
  }
  return [
    ['architecture', 'BertForMaskedLM (post-norm, GELU, learned absolute positions)'],
    ['hidden size / layers / heads', `${g('hidden_size')} / ${g('num_hidden_layers')} / ${g('num_attention_heads')}`],
    ['MLP', `GELU, intermediate ${g('intermediate_size')}`],
    ['dropout', `hidden ${g('hidden_dropout_prob')}, attention ${g('attention_probs_dropout_prob')}`],
    ['max positions', g('max_position_embeddings')],
    ['vocabulary', `${g('vocab_size')} (bert-base-uncased WordPiece)`],
    ['decoder', c.tie_word_embeddings === false ? 'untied' : 'tied to the input embeddings (untied by the workbench when it rescales the head by k)'],
  ];
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function stageSection(input: CardInput, i: number): string {
  const s = input.summaries[i]!;
  const args = stageArgs(input.recipe, i, { corpus: '.cache/demo-corpus', work: '.cache/demo-models' });
  // Flag-value pairs, wrapped at about 110 characters.
  const lines = ['lsr pretrain-mlm'];
  for (let j = 0; j < args.length; j += 2) {
    const pair = `${args[j]} ${args[j + 1] ?? ''}`.trim();
    if (lines[lines.length - 1]!.length + pair.length > 108) lines.push(`  ${pair}`);
    else lines[lines.length - 1] += ` ${pair}`;
  }
  const cmd = lines.join(' \\\n');
  return `### Stage ${i + 1}: ${i === 0 ? 'from random weights' : `continued from stage ${i} (\`--init\`, a fresh optimizer)`}

\`\`\`
${cmd}
\`\`\`

| | |
|---|---|
| steps × batch × length | ${s.steps} × ${s.batch_size} × ${s.max_length} tokens (packing \`${s.packing}\`) |
| tokens seen | ${num(s.tokens_seen)} (${s.epochs.toFixed(2)} epochs of ${num(s.corpus_tokens)} packed tokens) |
| masking | ${(100 * s.mask_prob).toFixed(0)}% of the tokens, 80/10/10 |
| optimizer | AdamW (ε ${s.adam_eps ?? 1e-8}), peak lr ${s.lr}, ${s.warmup_steps} warm-up steps then linear decay to 0, weight decay 0.01, clipping 1.0 |
| decoder bias at the start | ${i > 0 ? `stage ${i}'s` : (s.bias_init ?? 'zero') === 'unigram' ? 'the corpus\'s smoothed log token frequencies (`--bias-init unigram`)' : 'zero'} |
| seed / backend | ${s.seed} / ${s.backend}${s.resumed_from !== null ? ` (resumed from step ${s.resumed_from})` : ''} |
| time | ${minutes(s.time_s)} in all, ${minutes(s.train_time_s)} training (${Math.round(s.tokens_per_s)} tokens/s), on 2 CPU cores shared with other work |
| held-out accuracy at the end | ${pct(s.heldout_accuracy)} (loss ${s.heldout_loss?.toFixed(3) ?? 'n/a'}) |
`;
}

export function modelCardText(input: CardInput): string {
  const { stats, corpusCard: cc, config, summaries } = input;
  const s = summaries[summaries.length - 1]!;
  const tokensSeen = summaries.reduce((a, x) => a + x.tokens_seen, 0);
  const timeS = summaries.reduce((a, x) => a + x.time_s, 0);
  const steps = summaries.reduce((a, x) => a + x.steps, 0);
  const tokKey = input.recipe.tokenizer.includes('modernbert') ? 'modernbert' : 'bert-base-uncased';
  const tokens = cc.tokens[tokKey];
  const sourceRows = cc.sources.map((src) => [
    src.id,
    src.package ? `Debian \`${src.package}\` ${src.version}` : `\`data/${src.id}\` (documents only)`,
    num(src.trainLines),
    num(src.words),
    tokens ? num(tokens.bySource[src.id] ?? 0) : 'n/a',
  ]);
  const evalRows = summaries.flatMap((x, i) => x.evaluations.map((e) => [String(i + 1), String(e.step), pct(e.accuracy), e.loss.toFixed(3)]));
  const kRows = Object.entries(stats.by_k).map(([k, m]) => [
    k,
    m.decoder_weight_frobenius_norm.toFixed(3),
    m.decoder_weight_mean_row_l2_norm.toFixed(4),
    m.decoder_bias_l2_norm.toFixed(4),
    m.logits_l2_mean.toFixed(3),
    m.splade_nnz_mean.toFixed(1),
    m.splade_weight_max.toFixed(4),
  ]);
  return `# ${input.id}: a demo backbone of the LSR Workbench

A very small ${s.architecture} pretrained from scratch by \`lsr pretrain-mlm\` on ${num(tokensSeen)} tokens of English
prose (${steps} steps${summaries.length > 1 ? ` in ${summaries.length} stages` : ''}), in ${minutes(timeS)} on two shared CPU cores. **It is only for trying the workbench** (a k sweep that runs on a
laptop CPU in about a quarter of an hour, docs/demo.md); its retrieval quality is far below real backbones (bert-base-uncased,
answerdotai/ModernBERT-base, jhu-clsp/ettin-encoder-17m), which the same commands take as hub ids.

Rebuilt by \`npm run build:demo-models\` (scripts/demo/build-models.ts; recipe: scripts/demo/recipes.ts; config: \`${input.recipe.config}\`).

## Architecture

${table(['', ''], [...architectureRows(config), ['parameters', num(s.parameters)]])}

Tokenizer: the real one, unchanged (\`${input.recipe.tokenizer}\`, see the SOURCE.md there).

## Pretraining corpus

\`npm run build:demo-corpus\` (scripts/demo-corpus/README.md): one passage per line; \`corpus.txt\` sha256
\`${cc.outputs['corpus.txt']?.sha256.slice(0, 16)}…\`, ${num(cc.totals.train.lines)} lines, ${num(cc.totals.train.words)} words,
${tokens ? num(tokens.train) : 'n/a'} tokens under this tokenizer; held out (never trained on): ${num(cc.totals.heldout.lines)} lines,
${tokens ? num(tokens.heldout) : 'n/a'} tokens.

${table(['source', 'from', 'lines', 'words', 'tokens'], sourceRows)}

The demo collections' documents (Cranfield, MED, ADI) are part of the corpus: their texts only, never a query or
a judgement. So the backbone has seen MED's vocabulary in context; MED is out of domain for the SPLADE training
(Cranfield queries), not unseen text.

## Training

${summaries.map((_, i) => stageSection(input, i)).join('\n')}
${input.recipe.history ? `History: ${input.recipe.history}\n` : ''}
Steps were chosen for time, not convergence: the model is undertrained, and more steps (a further stage with
\`--init\`, or \`--steps\` then \`--resume\` on the last one) keep improving it.

## Held-out masked-token accuracy

Final: **${pct(s.heldout_accuracy)}** (loss ${s.heldout_loss?.toFixed(3) ?? 'n/a'}, ${s.heldout_masked_tokens ?? 'n/a'} masked positions of
\`heldout.txt\`, one fixed seeded masking). Training batches at the end: accuracy ${pct(s.accuracy_recent_mean)}, loss
${s.loss_recent_mean.toFixed(3)}.

${table(['stage', 'step', 'held-out accuracy', 'loss'], evalRows)}

Measured on the float32 weights before they were stored in float16 (largest |weight| ${input.maxAbsWeight.toFixed(3)}).

## What it predicts (\`lsr fill-mask --top 5\`, on the stored model)

${table(['text', 'top 5 at the mask (probability)'], input.fillMask.map((r) => [r.text.replace(/\[MASK\]/g, '\\[MASK\\]'), r.masks[0]!.predictions.map((p) => `\`${p.token.replace(/\|/g, '\\|')}\` ${(100 * p.probability).toFixed(1)}%`).join(', ')]))}

## MLM head (\`lsr head-stats --k 1,4,16\`, on the stored model)

Decoder ${stats.tied ? 'tied' : 'untied'}, vocabulary ${stats.vocab_size}. Rescaling by k divides the decoder weight and bias.
Mean cosine of two different decoder rows: ${stats.decoder_rows_mean_cosine === null ? '–' : stats.decoder_rows_mean_cosine.toFixed(3)} (0 for isotropic rows; docs/demo.md,
"Why the first backbones' expansions were noise, and the fix").

${table(['k', 'decoder ‖W‖_F', 'mean row ‖w‖₂', 'bias ‖b‖₂', 'mean ‖logits‖₂', 'SPLADE nnz (mean)', 'SPLADE max'], kRows)}

(\`head-stats.json\` holds every field; the logits and SPLADE figures are over the built-in sample texts.)

## Files

\`config.json\`, \`model.safetensors\` (float16, ${num(input.weightsBytes)} bytes), the tokenizer files,
\`pretrain-summary.json\` (the run's own summary), \`head-stats.json\`.

License: the weights are released with the workbench (Apache-2.0); the tokenizer and the corpus sources keep
their own terms (see the SOURCE.md of the tokenizer and scripts/demo-corpus/README.md).
`;
}

export function writeModelCard(file: string, input: CardInput): void {
  fs.writeFileSync(file, modelCardText(input));
}

// What `npm run build:demo-models` trains: each backbone in stages of `lsr pretrain-mlm`, the first from
// random weights (--config), each later one continuing from the one before (--init, a fresh optimizer).

export interface PretrainStage {
  steps: number;
  /** Linear warm-up steps (given explicitly, so that a resumed run with other --steps keeps them). */
  warmupSteps: number;
  lr: number;
  seed: number;
  evalEvery: number;
}

export interface BackboneRecipe {
  id: string;
  config: string;
  tokenizer: string;
  stages: PretrainStage[];
  /** How the committed model's runs actually went, where they differ from uninterrupted runs of this recipe. */
  history?: string;
}

/** Shared by every stage of both backbones. */
export const COMMON = { batchSize: 16, maxLength: 128, checkpointEvery: 100 };

/**
 * Sized for a 2-core machine shared with other work (docs/demo.md). ModernBERT masks 30% of the tokens and
 * has a 65% larger vocabulary, so a step costs about 2.5× a BERT step: it gets fewer steps. Stage 1 at lr 1e-3
 * left both models predicting the same frequent tokens at every mask (held-out accuracy ~7%, the unigram
 * plateau), and 300 more steps at that rate did not change it; a 200-step trial at 5e-3 did better (10.5%
 * held-out), so stage 2 continues at 5e-3.
 */
export const RECIPES: readonly BackboneRecipe[] = [
  {
    id: 'bert-mini',
    config: 'scripts/demo/configs/bert-mini.json',
    tokenizer: 'resources/demo/tokenizers/bert-base-uncased',
    stages: [
      { steps: 800, warmupSteps: 60, lr: 1e-3, seed: 42, evalEvery: 200 },
      { steps: 3000, warmupSteps: 60, lr: 5e-3, seed: 43, evalEvery: 250 },
    ],
    history:
      'Stage 1 was started with `--steps 1000 --eval-every 250` and resumed from its step-200 checkpoint with ' +
      '`--steps 800 --eval-every 200` when the shared machine turned out slower than planned (a 4% step down in the ' +
      'learning rate at step 200).',
  },
  {
    id: 'modernbert-mini',
    config: 'scripts/demo/configs/modernbert-mini.json',
    tokenizer: 'resources/demo/tokenizers/modernbert',
    stages: [
      { steps: 300, warmupSteps: 30, lr: 1e-3, seed: 42, evalEvery: 100 },
      { steps: 1200, warmupSteps: 40, lr: 5e-3, seed: 43, evalEvery: 200 },
    ],
    history:
      'Stage 1 was started with `--steps 500 --eval-every 125` and resumed from its step-100 checkpoint with ' +
      '`--steps 300 --eval-every 100` when the shared machine turned out slower than planned (an 8% step down in the ' +
      'learning rate at step 100).',
  },
];

/** Work folder of a stage: `<id>` for the first, `<id>-stage<n>` after. */
export function stageDirName(id: string, stage: number): string {
  return stage === 0 ? id : `${id}-stage${stage + 1}`;
}

/**
 * The `lsr pretrain-mlm` arguments of one stage. `dirs.repo` prefixes the recipe's repository-relative paths
 * (none: they stay relative, as the model card shows them).
 */
export function stageArgs(r: BackboneRecipe, stage: number, dirs: { repo?: string; corpus: string; work: string }, resume = false): string[] {
  const s = r.stages[stage]!;
  const at = (p: string) => (dirs.repo === undefined ? p : `${dirs.repo}/${p}`);
  const from = stage === 0 ? ['--config', at(r.config), '--tokenizer', at(r.tokenizer)] : ['--init', `${dirs.work}/${stageDirName(r.id, stage - 1)}`];
  return [
    ...from,
    '--corpus', `${dirs.corpus}/corpus.txt`,
    '--heldout', `${dirs.corpus}/heldout.txt`,
    '--out', `${dirs.work}/${stageDirName(r.id, stage)}`,
    '--steps', String(s.steps),
    '--warmup-steps', String(s.warmupSteps),
    '--batch-size', String(COMMON.batchSize),
    '--max-length', String(COMMON.maxLength),
    '--lr', String(s.lr),
    '--seed', String(s.seed),
    '--eval-every', String(s.evalEvery),
    '--checkpoint-every', String(COMMON.checkpointEvery),
    ...(resume ? ['--resume'] : []),
  ];
}

/** Sentences the model card shows the backbone's predictions for (`lsr fill-mask`): the demo's domains and plain prose. */
export const FILL_MASK_PROBES = [
  'the aircraft was tested in the wind [MASK] at supersonic speed.',
  'heat transfer in the laminar boundary [MASK] of a flat plate.',
  'the patient was treated with [MASK] for the infection.',
  'the [MASK] of the wing was measured in the experiment.',
  'a small animal with four [MASK] and a tail.',
  'he drank a cup of [MASK] in the morning.',
];

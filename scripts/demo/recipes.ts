// What `npm run build:demo-models` trains: each backbone in stages of `lsr pretrain-mlm`, the first from
// random weights (--config), each later one continuing from the one before (--init, a fresh optimizer).

export interface PretrainStage {
  steps: number;
  /** Linear warm-up steps (given explicitly, so that a resumed run with other --steps keeps them). */
  warmupSteps: number;
  lr: number;
  seed: number;
  evalEvery: number;
  /** `--bias-init` of a first stage (absent: the command's default, zero). */
  biasInit?: 'unigram';
  /** `--adam-eps` (absent: the command's default, 1e-8). */
  adamEps?: number;
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
 * Sized for a 2-core machine (docs/demo.md). ModernBERT masks 30% of the tokens and has a 65% larger
 * vocabulary, so a step costs about 2.5× a BERT step: it gets fewer steps. Both start the decoder bias at the
 * corpus's log token frequencies and use Adam's ε 1e-6: without them the rows of rarely seen tokens drift
 * along one shared direction, and SPLADE fine-tuning then turns them on as meaningless expansions (the
 * backbones before, two stages each from a zero bias, had a mean decoder-row cosine of 0.69 / 0.76; these
 * 0.04 / 0.08). A single stage at lr 5e-3: the earlier recipe's first stage at 1e-3 only reached
 * the unigram plateau.
 */
export const RECIPES: readonly BackboneRecipe[] = [
  {
    id: 'bert-mini',
    config: 'scripts/demo/configs/bert-mini.json',
    tokenizer: 'resources/demo/tokenizers/bert-base-uncased',
    stages: [{ steps: 3000, warmupSteps: 60, lr: 5e-3, seed: 42, evalEvery: 250, biasInit: 'unigram', adamEps: 1e-6 }],
    history:
      'Run with `--out /tmp/pt/bert-ue --keep-checkpoints 0` (beside a `--bias-init zero` run for comparison, ' +
      'stopped at step 145) and moved to .cache/demo-models/bert-mini afterwards, while modernbert-mini trained beside it ' +
      '(`LSR_CORES=1` each on the 2-core machine); otherwise exactly this command.',
  },
  {
    id: 'modernbert-mini',
    config: 'scripts/demo/configs/modernbert-mini.json',
    tokenizer: 'resources/demo/tokenizers/modernbert',
    stages: [{ steps: 1500, warmupSteps: 40, lr: 5e-3, seed: 42, evalEvery: 250, biasInit: 'unigram', adamEps: 1e-6 }],
    history:
      'Run with `--out /tmp/pt/mb-ue --keep-checkpoints 0` and moved to .cache/demo-models/modernbert-mini ' +
      'afterwards, while bert-mini trained beside it (`LSR_CORES=1` each); otherwise exactly this command.',
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
    ...(s.biasInit !== undefined ? ['--bias-init', s.biasInit] : []),
    ...(s.adamEps !== undefined ? ['--adam-eps', String(s.adamEps)] : []),
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

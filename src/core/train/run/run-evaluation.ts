import { loadDatasetFolder } from '../../data/dataset-folder.ts';
import { resolveDatasetFolder } from '../../data/resolve-dataset.ts';
import { evaluateSplade } from '../../eval/evaluate-splade.ts';
import type { MaskedLmModel } from '../../models/types.ts';
import { SpladeEncoder } from '../../splade/encoder.ts';
import type { TextTokenizer } from '../../tokenize/text-tokenizer.ts';
import type { TrainConfig } from '../../../shared/train-config.ts';
import { Rng } from '../rng.ts';

export interface RunEvaluationInput {
  model: MaskedLmModel;
  tokenizer: TextTokenizer;
  cfg: TrainConfig;
  home: string;
  trainFolder: string;
  /** The final evaluation: every query of the split over the whole corpus. */
  final: boolean;
  /** Evaluate this dataset instead of the configured one (the run's extra evaluation sets). */
  dataset?: string;
  signal?: AbortSignal;
}

/**
 * Evaluates the model being trained on the configured dataset and split. During training a seeded sample
 * of queries is searched over their judged documents plus seeded random ones (see TrainConfig.evalQueries):
 * a cheap curve to watch. Returns null when the dataset has no such split.
 */
export async function runEvaluation(input: RunEvaluationInput): Promise<{
  dataset: string;
  split: string;
  metrics: Record<string, number>;
  perQuery: Record<string, Record<string, number>>;
} | null> {
  const { cfg } = input;
  const datasetName = input.dataset ?? cfg.evalDataset ?? cfg.dataset;
  const folder =
    input.dataset !== undefined
      ? resolveDatasetFolder(input.dataset, input.home, 'train.evalExtra')
      : cfg.evalDataset === null
        ? input.trainFolder
        : resolveDatasetFolder(cfg.evalDataset, input.home, 'train.evalDataset');
  let data;
  try {
    data = await loadDatasetFolder(folder, cfg.evalSplit);
  } catch (err) {
    if (err instanceof Error && /no split/.test(err.message)) return null;
    throw err;
  }
  const encoder = new SpladeEncoder(input.model, input.tokenizer, { queryMaxLength: cfg.maxQueryLength, documentMaxLength: cfg.maxDocLength });
  let queryIds: string[] | undefined;
  let docIds: string[] | undefined;
  if (!input.final) {
    const judged = [...data.qrels.keys()].filter((q) => data.queries.has(q)).sort();
    const rng = Rng.forStream(cfg.seed, 'eval-sample');
    queryIds = cfg.evalQueries > 0 && cfg.evalQueries < judged.length ? rng.shuffle(judged).slice(0, cfg.evalQueries) : judged;
    const allDocs = [...data.corpus.keys()].sort();
    if (cfg.evalMaxDocs > 0 && cfg.evalMaxDocs < allDocs.length) {
      const chosen = new Set<string>();
      for (const q of queryIds) for (const d of data.qrels.get(q)!.keys()) if (data.corpus.has(d)) chosen.add(d);
      for (const d of rng.shuffle(allDocs)) {
        if (chosen.size >= cfg.evalMaxDocs) break;
        chosen.add(d);
      }
      docIds = [...chosen].sort();
    }
  }
  const result = await evaluateSplade(encoder, data, { queryIds, docIds, signal: input.signal });
  return { dataset: datasetName, split: cfg.evalSplit, metrics: { ...result.metrics, sampled: input.final ? 0 : 1 }, perQuery: result.perQuery };
}

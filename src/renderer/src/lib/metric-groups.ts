/** How the Live run view groups a run's metrics into charts, in this order. */
export interface MetricGroup {
  id: string;
  title: string;
  yName: string;
  /** Starts on a log axis (quantities spanning decades). */
  logScale?: boolean;
  matches(name: string): boolean;
}

const LOSS_NAMES = new Set(['loss', 'rank', 'ce', 'contrastive', 'margin_mse', 'kl', 'distillation']);

export const METRIC_GROUPS: readonly MetricGroup[] = [
  { id: 'losses', title: 'Losses', yName: 'loss', matches: (n) => LOSS_NAMES.has(n) || /^(flops|l1)_/.test(n) || n.endsWith('_loss') },
  { id: 'lambdas', title: 'Regularization weights (λ)', yName: 'λ', matches: (n) => n.startsWith('lambda_') },
  { id: 'lr', title: 'Learning rate', yName: 'lr', matches: (n) => n === 'lr' },
  { id: 'grad', title: 'Gradient norm', yName: 'norm', logScale: true, matches: (n) => n.startsWith('grad_norm') },
  { id: 'nnz', title: 'Nonzeros per vector', yName: 'nonzeros', matches: (n) => /_nnz_/.test(n) || n.endsWith('_nnz') },
  { id: 'weights', title: 'Mean nonzero weight', yName: 'weight', matches: (n) => /_weight_mean$/.test(n) },
  { id: 'decoder', title: 'Decoder (MLM head) norm', yName: 'norm', matches: (n) => n.startsWith('decoder_') || n.startsWith('head_') },
  { id: 'throughput', title: 'Throughput', yName: 'tokens/s', matches: (n) => n.endsWith('_per_s') },
  { id: 'timing', title: 'Step time', yName: 's', matches: (n) => n === 'step_s' || n.endsWith('_s') },
];

const OTHER: MetricGroup = { id: 'other', title: 'Other metrics', yName: 'value', matches: () => true };

/** Each group that has metrics, with its metric names in the given order; what no group claims goes to "Other". */
export function groupMetrics(names: readonly string[]): { group: MetricGroup; names: string[] }[] {
  const out = new Map<string, { group: MetricGroup; names: string[] }>();
  for (const name of names) {
    const group = METRIC_GROUPS.find((g) => g.matches(name)) ?? OTHER;
    let entry = out.get(group.id);
    if (!entry) out.set(group.id, (entry = { group, names: [] }));
    entry.names.push(name);
  }
  const order = [...METRIC_GROUPS, OTHER].map((g) => g.id);
  return [...out.values()].sort((a, b) => order.indexOf(a.group.id) - order.indexOf(b.group.id));
}

/** Evaluation metrics in [0, 1] (effectiveness) and the rest (sparsity, counts). */
export function isEffectivenessMetric(name: string): boolean {
  return /^(ndcg|mrr|recall|precision|p|map|r-precision|success)(@\d+)?$/i.test(name);
}

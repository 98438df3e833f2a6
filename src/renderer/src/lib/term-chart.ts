import type { HeadCheckResult, InspectTermsResult } from '../../../shared/contract.ts';
import { toCsv } from './csv.ts';
import { formatNumber } from './format.ts';
import { displayToken, rawTokenNote } from './token-text.ts';

/** Colors of the two kinds of terms (legend, bars and table agree). */
export const TERM_COLORS = { input: '#2563eb', expansion: '#d97706' } as const;

/** One bar per term, heaviest on top; input terms and expansions as two series, so the legend names both. */
export function termChartOption(result: InspectTermsResult): Record<string, unknown> {
  const terms = result.terms;
  const bar = (expansion: boolean) => ({
    name: expansion ? 'expansion (not in the input)' : 'input term',
    type: 'bar',
    stack: 'terms',
    barMaxWidth: 14,
    color: expansion ? TERM_COLORS.expansion : TERM_COLORS.input,
    data: terms.map((t) => (t.expansion === expansion ? t.weight : null)),
  });
  return {
    animation: false,
    grid: { left: 110, right: 24, top: 28, bottom: 28 },
    legend: { top: 0 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (items: { dataIndex: number }[]) => {
        const t = terms[items[0]?.dataIndex ?? -1];
        if (!t) return '';
        const kind = t.expansion ? 'expansion' : 'input term';
        return `<b>${escapeHtml(displayToken(t))}</b>${escapeHtml(rawTokenNote(t))} (${t.id}): ${formatNumber(t.weight)}<br>${kind}; max from “${escapeHtml(t.source.token)}” at position ${t.source.position}`;
      },
    },
    xAxis: { type: 'value', name: 'weight', nameLocation: 'middle', nameGap: 22, axisLabel: { formatter: formatNumber } },
    yAxis: { type: 'category', inverse: true, data: terms.map((t) => displayToken(t)), axisLabel: { interval: 0, fontSize: 11 } },
    series: [bar(false), bar(true)],
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function termsCsv(result: InspectTermsResult): string {
  return toCsv(
    ['rank', 'term id', 'term', 'text', 'weight', 'expansion', 'source position', 'source token'],
    result.terms.map((t, i) => [i + 1, t.id, t.token, t.text, t.weight, t.expansion, t.source.position, t.source.token]),
  );
}

/** The head-scale check's quantities per k, as the chart and its CSV show them. */
export const HEAD_CHECK_SERIES = [
  { key: 'logits_l2_mean', label: 'logits L2 (mean per token)' },
  { key: 'splade_nnz_mean', label: 'non-zeros per text' },
  { key: 'splade_weight_max', label: 'largest weight' },
  { key: 'splade_cosine_mean', label: 'cosine of different texts' },
] as const;

export function headCheckCsv(result: HeadCheckResult): string {
  const keys = ['decoder_weight_frobenius_norm', 'decoder_weight_mean_row_l2_norm', 'decoder_bias_l2_norm', 'logits_l2_mean', 'splade_nnz_mean', 'splade_weight_mean', 'splade_weight_max', 'splade_l1_mean', 'splade_cosine_mean'] as const;
  return toCsv(
    ['k', ...keys, 'meets_rule'],
    result.rows.map((r) => [r.k, ...keys.map((key) => r.stats[key]), r.meetsRule]),
  );
}

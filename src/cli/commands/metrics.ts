import type { Command } from '../command.ts';
import { readQrels } from '../../core/eval/qrels.ts';
import { readRun } from '../../core/eval/run-file.ts';
import { evaluateRun, METRIC_NAMES, type AggregateMetrics } from '../../core/eval/metrics.ts';

export function formatMetricsTable(metrics: AggregateMetrics): string {
  const lines = METRIC_NAMES.map((name) => `${name.padEnd(12)}${metrics[name].toFixed(4)}`);
  lines.push(`${'queries'.padEnd(12)}${metrics.queries}`);
  return lines.join('\n') + '\n';
}

export const metricsCommand: Command = {
  name: 'metrics',
  summary: 'effectiveness of a TREC run against qrels (trec_eval semantics)',
  usage: 'metrics --qrels FILE --run FILE [--json] [--per-query]',
  booleanFlags: ['per-query'],
  async run({ args, io }) {
    const qrels = await readQrels(args.required('qrels'));
    const run = await readRun(args.required('run'));
    const perQueryWanted = args.flag('per-query');
    const { metrics, perQuery } = evaluateRun(qrels, run);
    if (args.flag('json')) {
      const out: Record<string, unknown> = { ...metrics };
      if (perQueryWanted) out.per_query = Object.fromEntries(perQuery);
      io.stdout.write(JSON.stringify(out) + '\n');
      return;
    }
    if (perQueryWanted) {
      for (const [qid, values] of perQuery) {
        io.stdout.write(`${qid}\t${METRIC_NAMES.map((n) => `${n}=${values[n].toFixed(4)}`).join('\t')}\n`);
      }
    }
    io.stdout.write(formatMetricsTable(metrics));
  },
};

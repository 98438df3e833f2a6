import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command.ts';
import { InputError } from '../../core/errors.ts';
import { metricsCsv, metricsJson, readRunMetrics, type MetricsFormat } from '../../core/export/metrics-export.ts';
import { openWorkspaceStore } from '../../core/store/store.ts';
import { runRefArg } from './run-ref.ts';

export const runsExportMetricsCommand: Command = {
  name: 'runs export-metrics',
  summary: "write every metric series (step, name, value, wall time) and evaluation of a run as one CSV or JSON file",
  usage: 'runs export-metrics RUN [--format csv|json] [--out FILE]   (default: csv to stdout)',
  async run({ args, home, io }) {
    const ref = runRefArg(args);
    const format = args.string('format') ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new InputError(`expected csv or json, got "${format}"`, { field: '--format' });
    const out = args.string('out');
    const store = openWorkspaceStore(home);
    let text: string;
    try {
      const data = readRunMetrics(store, ref);
      text = (format as MetricsFormat) === 'csv' ? metricsCsv(data) : metricsJson(data);
    } finally {
      store.close();
    }
    if (out === undefined || out === '-') io.stdout.write(text);
    else {
      fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      fs.writeFileSync(out, text);
    }
  },
};

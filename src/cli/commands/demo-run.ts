import { formatDemoResults, demoResults } from '../../core/demo/demo-results.ts';
import { DEMO_SWEEP, startDemoSweep, type DemoSweepSettings } from '../../core/demo/demo-sweep.ts';
import { openWorkspaceStore } from '../../core/store/store.ts';
import type { Command } from '../command.ts';
import { RunEventPrinter } from './follow-runs.ts';

export const demoRunCommand: Command = {
  name: 'demo run',
  summary: 'the demo sweep: k in {1,4,16} over both demo backbones plus BM25, on Cranfield test and MED',
  usage:
    'demo run [--json] [--steps N] [--parallel N]\n\n' +
    `Registers the demo (as demo register), queues ${DEMO_SWEEP.ks.length * 2} SPLADE runs (train on cranfield's train split,\n` +
    'evaluate on cranfield/test and med/test) and a BM25 run in one sweep, and follows them like train\n' +
    `(${DEMO_SWEEP.maxParallel} at a time by default). At the end, prints the results table on stderr (with --json: a last\n` +
    'line {"event": "results", "sweep", "elapsed_s", "rows"}). --steps and --parallel override the demo settings.',
  booleanFlags: ['json'],
  async run(ctx) {
    const json = ctx.args.flag('json');
    const settings: Partial<DemoSweepSettings> = {};
    const steps = ctx.args.number('steps', { integer: true, min: 1 });
    if (steps !== undefined) settings.steps = steps;
    const parallel = ctx.args.number('parallel', { integer: true, min: 1 });
    if (parallel !== undefined) settings.maxParallel = parallel;
    const started = Date.now();

    const store = openWorkspaceStore(ctx.home);
    try {
      const printer = new RunEventPrinter(ctx, json, store);
      const sweep = await startDemoSweep(ctx.home, { signal: ctx.signal, settings, onEvent: (e) => printer.handle(e) });
      const runs = await sweep.finished;
      const elapsed = (Date.now() - started) / 1000;
      const rows = demoResults(store, sweep.runs.map((r) => r.id));
      if (json) ctx.io.stdout.write(JSON.stringify({ event: 'results', sweep: sweep.sweepId, elapsed_s: elapsed, rows }) + '\n');
      else ctx.io.stderr.write(`\ndemo sweep ${sweep.sweepId}: ${Math.round(elapsed)} s\n${formatDemoResults(rows)}\n`);
      const ok = runs.every((r) => r.status === 'finished' || r.status === 'collapsed');
      return ok ? 0 : ctx.signal.aborted ? 130 : 1;
    } finally {
      store.close();
    }
  },
};

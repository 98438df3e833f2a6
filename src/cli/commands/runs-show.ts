import type { Command } from '../command.ts';
import { runSummary, type RunSummary } from '../../core/store/run-summary.ts';
import type { RunRecord, StatusChange } from '../../core/store/runs.ts';
import { withRunArg } from './run-ref.ts';

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(6);
}

function humanShow(run: RunRecord, s: RunSummary, history: StatusChange[]): string {
  const lines = [
    `run       ${run.id}`,
    `name      ${run.name}`,
    `status    ${run.status}${run.reason ? ` (${run.reason})` : ''}`,
    `step      ${run.lastStep ?? '-'}`,
    `created   ${run.createdAt}`,
  ];
  if (run.startedAt) lines.push(`started   ${run.startedAt}`);
  if (run.endedAt) lines.push(`ended     ${run.endedAt}`);
  if (run.sweepId) lines.push(`sweep     ${run.sweepId}`);
  if (run.tags.length > 0) lines.push(`tags      ${run.tags.join(', ')}`);
  if (run.notes) lines.push(`notes     ${run.notes}`);
  lines.push('', 'config', ...JSON.stringify(run.config, null, 2).split('\n').map((l) => `  ${l}`));
  const names = Object.keys(s.metrics);
  if (names.length > 0) {
    const width = Math.max(...names.map((n) => n.length));
    lines.push('', 'last metrics', ...names.map((n) => `  ${n.padEnd(width)}  ${formatValue(s.metrics[n])}`));
  }
  if (s.checkpoints.length > 0) lines.push('', 'checkpoints', ...s.checkpoints.map((c) => `  step ${c.step}  ${c.path}`));
  if (s.evaluations.length > 0) {
    lines.push('', 'evaluations');
    for (const e of s.evaluations) {
      const m = Object.entries(e.metrics).map(([k, v]) => `${k}=${formatValue(v)}`).join(' ');
      lines.push(`  step ${e.step}  ${e.dataset}/${e.split}  ${m}`);
    }
  }
  lines.push('', 'history', ...history.map((h) => `  ${h.at}  ${h.from ?? '-'} → ${h.to}${h.step !== null ? ` at step ${h.step}` : ''}${h.reason ? `: ${h.reason}` : ''}`));
  return lines.join('\n');
}

export const runsShowCommand: Command = {
  name: 'runs show',
  summary: 'show one run: config, last metrics, checkpoints, evaluations, status history',
  usage: 'runs show RUN [--json]   (RUN: an id, a unique id prefix, or a unique name)',
  async run({ args, home, io }) {
    const json = args.flag('json');
    await withRunArg(args, home, (store, run) => {
      const summary = runSummary(store, run);
      if (json) io.stdout.write(JSON.stringify(summary) + '\n');
      else io.stdout.write(humanShow(run, summary, store.runs.history(run.id)) + '\n');
    });
  },
};

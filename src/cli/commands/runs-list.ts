import type { Command } from '../command.ts';
import { InputError } from '../../core/errors.ts';
import { runSummary, type RunSummary } from '../../core/store/run-summary.ts';
import { RUN_STATUSES, isRunStatus } from '../../core/store/run-status.ts';
import { openWorkspaceStore } from '../../core/store/store.ts';
import type { RunRecord } from '../../core/store/runs.ts';

function configText(config: Record<string, unknown>, ...keys: string[]): string {
  for (const key of keys) {
    const v = config[key];
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return '-';
}

/** The evaluation metric users compare runs by, from the latest evaluation that has it. */
function headline(summary: RunSummary): string {
  for (let i = summary.evaluations.length - 1; i >= 0; i--) {
    const v = summary.evaluations[i].metrics['ndcg@10'];
    if (typeof v === 'number') return `${v.toFixed(4)} (${summary.evaluations[i].dataset})`;
  }
  return '-';
}

export function runsTable(rows: { run: RunRecord; summary: RunSummary }[]): string {
  const header = ['ID', 'NAME', 'STATUS', 'STEP', 'K', 'BACKBONE', 'NDCG@10', 'CREATED'];
  const body = rows.map(({ run, summary }) => [
    run.id,
    run.name,
    run.status,
    run.lastStep === null ? '-' : String(run.lastStep),
    configText(run.config, 'k'),
    configText(run.config, 'backbone', 'model'),
    headline(summary),
    run.createdAt.slice(0, 19).replace('T', ' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  return [header, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export const runsListCommand: Command = {
  name: 'runs list',
  summary: 'list stored runs (newest first) with status, last step and latest evaluation',
  usage: 'runs list [--status S] [--sweep ID] [--tag T] [--json]',
  async run({ args, home, io }) {
    const status = args.string('status');
    if (status !== undefined && !isRunStatus(status)) {
      throw new InputError(`expected one of ${RUN_STATUSES.join(', ')}, got "${status}"`, { field: '--status' });
    }
    const sweepId = args.string('sweep');
    const tag = args.string('tag');
    const json = args.flag('json');
    const store = openWorkspaceStore(home);
    try {
      const runs = store.runs.list({ status, sweepId, tag });
      const rows = runs.map((run) => ({ run, summary: runSummary(store, run, { abridged: true }) }));
      if (json) io.stdout.write(JSON.stringify(rows.map((r) => r.summary)) + '\n');
      else if (rows.length === 0) io.stdout.write('no runs\n');
      else io.stdout.write(runsTable(rows) + '\n');
    } finally {
      store.close();
    }
  },
};

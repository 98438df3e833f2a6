import { executorRegistration, loadExecutorModules } from '../../core/runs/executor-registry.ts';
import { storedRunConfig } from '../../core/runs/run-config.ts';
import { prepareResume } from '../../core/runs/resume.ts';
import { openWorkspaceStore } from '../../core/store/store.ts';
import type { Command } from '../command.ts';
import { followRuns } from './follow-runs.ts';
import { runRefArg } from './run-ref.ts';

export const runsResumeCommand: Command = {
  name: 'runs resume',
  summary: 'continue a cancelled or interrupted run from its last checkpoint and follow it like train',
  usage:
    'runs resume RUN [--json]\n\n' +
    'Metrics, evaluations and checkpoints recorded after the last checkpoint are dropped and recorded again.\n' +
    'A queued run (e.g. the rest of a stopped sweep) is started.',
  async run(ctx) {
    const ref = runRefArg(ctx.args);
    const json = ctx.args.flag('json');
    await loadExecutorModules();
    const store = openWorkspaceStore(ctx.home);
    try {
      const run = store.runs.resolve(ref);
      // Before anything changes: a run whose executor is missing here would otherwise end `failed`.
      executorRegistration(storedRunConfig(run.config, run.id).kind);
      const item = prepareResume(store, run.id);
      if (!json) {
        ctx.io.stderr.write(
          item.checkpointPath
            ? `run ${run.id}: resuming from the checkpoint at step ${item.startStep} (${item.checkpointPath})\n`
            : `run ${run.id}: no checkpoint, starting from step 0\n`,
        );
      }
      const { status } = await followRuns(ctx, store, [item], { json });
      return status;
    } finally {
      store.close();
    }
  },
};

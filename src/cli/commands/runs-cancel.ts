import os from 'node:os';
import type { Command } from '../command.ts';
import { isProcessAlive } from '../../core/store/process-liveness.ts';
import { withRunArg } from './run-ref.ts';

export const runsCancelCommand: Command = {
  name: 'runs cancel',
  summary: 'cancel a run: a queued or interrupted one at once, a running one asks its process to stop',
  usage: 'runs cancel RUN [--json]',
  async run({ args, home, io }) {
    const json = args.flag('json');
    await withRunArg(args, home, (store, run) => {
      const { outcome, run: after } = store.runs.requestCancel(run.id);
      let signalled = false;
      if (outcome === 'requested' && after.pid !== null && after.host === os.hostname() && isProcessAlive(after.pid)) {
        // The process also polls the flag; the signal only makes it notice sooner.
        try {
          process.kill(after.pid, 'SIGTERM');
          signalled = true;
        } catch {
          signalled = false;
        }
      }
      if (json) {
        io.stdout.write(JSON.stringify({ id: after.id, status: after.status, outcome, signalled }) + '\n');
      } else if (outcome === 'requested') {
        io.stdout.write(`run ${after.id}: cancel requested${signalled ? ` (sent SIGTERM to pid ${after.pid})` : ''}; it stops after its current step\n`);
      } else if (outcome === 'cancelled') {
        io.stdout.write(`run ${after.id}: cancelled\n`);
      } else {
        io.stdout.write(`run ${after.id}: already ${after.status}, nothing to cancel\n`);
      }
    });
  },
};

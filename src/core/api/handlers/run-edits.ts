import fs from 'node:fs';
import path from 'node:path';
import { ID_PATTERN } from '../../store/ids.ts';
import { badRequest, conflict } from '../api-failure.ts';
import type { ApiContext } from '../api-context.ts';
import type { Handlers } from '../create-api.ts';
import { runRow } from '../run-rows.ts';

/** Changing runs: name, tags and notes; cancel; delete. */
export function runEditHandlers(ctx: ApiContext): Pick<Handlers, 'runs.updateMeta' | 'runs.cancel' | 'runs.delete'> {
  return {
    'runs.updateMeta': ({ runId, name, tags, notes }) => {
      const store = ctx.workspace.store;
      ctx.workspace.run(runId);
      if (name !== undefined && name.trim() === '') throw badRequest('runs.updateMeta: params.name must not be blank');
      const trimmedTags = tags?.map((t) => t.trim()).filter((t) => t !== '');
      const run = store.runs.update(runId, { name: name?.trim(), tags: trimmedTags, notes });
      ctx.wrote();
      return runRow(store, run);
    },
    'runs.cancel': ({ runId }) => {
      const store = ctx.workspace.store;
      ctx.workspace.run(runId);
      const { outcome, run } = store.runs.requestCancel(runId);
      ctx.wrote();
      return { outcome, run: runRow(store, run) };
    },
    'runs.delete': ({ runId, removeFiles }) => {
      const store = ctx.workspace.store;
      const run = ctx.workspace.run(runId);
      // A queued run belongs to the `lsr train` that queued it, which would then look for it in vain.
      if (run.status === 'running' || run.status === 'queued') {
        throw conflict(`run ${runId} is ${run.status}; cancel it and wait until it stops before deleting it`);
      }
      store.runs.delete(runId);
      ctx.wrote();
      let removedFiles = false;
      // Only the run's own folder, and only for an id that cannot name anything else.
      if (removeFiles && ID_PATTERN.test(runId)) {
        const folder = path.join(ctx.workspace.home, 'runs', runId);
        if (fs.existsSync(folder)) {
          fs.rmSync(folder, { recursive: true, force: true });
          removedFiles = true;
        }
      }
      return { runId, removedFiles };
    },
  };
}

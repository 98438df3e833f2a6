import { validateRescaleK } from '../../splade/rescale.ts';
import { inspectTerms } from '../../splade/term-inspection.ts';
import type { Handlers } from '../create-api.ts';
import type { EngineContext } from '../engine-context.ts';
import { modelFolder } from './models.ts';

const DEFAULT_TOP = 30;

export function inspectHandlers(engine: EngineContext): Pick<Handlers, 'inspect.terms'> {
  return {
    'inspect.terms': ({ model, k = 1, text, kind, top = DEFAULT_TOP, taskId }) => {
      validateRescaleK(k, 'k');
      return engine.tasks.run(taskId, 'inspect.terms', async (task) => {
        const folder = await modelFolder(engine, model, task);
        task.progress(`encoding with ${model}`);
        const inspection = await engine.models.use(folder, k, (loaded) => inspectTerms(loaded.encoder, text, kind, top));
        return { model, folder, k, kind, ...inspection };
      });
    },
  };
}

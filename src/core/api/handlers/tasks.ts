import type { Handlers } from '../create-api.ts';
import type { EngineContext } from '../engine-context.ts';

export function taskHandlers(engine: EngineContext): Pick<Handlers, 'tasks.cancel'> {
  return {
    'tasks.cancel': ({ taskId }) => ({ cancelled: engine.tasks.cancel(taskId) }),
  };
}

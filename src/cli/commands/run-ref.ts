import { InputError } from '../../core/errors.ts';
import type { RunRecord } from '../../core/store/runs.ts';
import { openWorkspaceStore, type Store } from '../../core/store/store.ts';
import type { Args } from '../args.ts';

/** The single RUN positional of `lsr runs show|cancel|resume RUN`. */
export function runRefArg(args: Args): string {
  if (args.positionals.length === 0) throw new InputError('a run id is required', { field: 'RUN' });
  if (args.positionals.length > 1) {
    throw new InputError(`expected one run, got ${args.positionals.length} (${args.positionals.join(' ')})`, { field: 'RUN' });
  }
  return args.positionals[0];
}

/** Resolves the RUN positional in the workspace store and hands both to `fn`; the store is closed after. */
export async function withRunArg<T>(args: Args, home: string, fn: (store: Store, run: RunRecord) => T | Promise<T>): Promise<T> {
  const ref = runRefArg(args);
  const store = openWorkspaceStore(home);
  try {
    return await fn(store, store.runs.resolve(ref));
  } finally {
    store.close();
  }
}

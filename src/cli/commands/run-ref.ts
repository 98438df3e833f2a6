import { InputError } from '../../core/errors.ts';
import type { Args } from '../args.ts';

/** The single RUN positional of `lsr runs show|cancel|resume RUN`. */
export function runRefArg(args: Args): string {
  if (args.positionals.length === 0) throw new InputError('a run id is required', { field: 'RUN' });
  if (args.positionals.length > 1) {
    throw new InputError(`expected one run, got ${args.positionals.length} (${args.positionals.join(' ')})`, { field: 'RUN' });
  }
  return args.positionals[0];
}

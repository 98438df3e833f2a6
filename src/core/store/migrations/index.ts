import { initial } from './001-initial.ts';
import type { Migration } from './types.ts';

/** Every migration, in order. A new one goes in its own file `NNN-name.ts` and is appended here. */
export const MIGRATIONS: readonly Migration[] = [initial];

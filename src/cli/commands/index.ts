import type { Command } from '../command.ts';
import { backendCommand } from './backend.ts';
import { benchSearchCommand } from './bench-search.ts';
import { bm25Command } from './bm25.ts';
import { metricsCommand } from './metrics.ts';
import { serveCommand } from './serve.ts';

/** Every CLI command; each lives in its own file. */
export const COMMANDS: readonly Command[] = [backendCommand, serveCommand, metricsCommand, benchSearchCommand, bm25Command];

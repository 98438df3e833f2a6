import type { Command } from '../command.ts';
import { backendCommand } from './backend.ts';
import { serveCommand } from './serve.ts';
import { webCommand } from './web.ts';

/** Every CLI command; each lives in its own file. */
export const COMMANDS: readonly Command[] = [backendCommand, serveCommand, webCommand];

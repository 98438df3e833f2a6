import type { Command } from '../command.ts';
import { backendCommand } from './backend.ts';
import { pretrainMlmCommand } from './pretrain-mlm.ts';
import { runsCancelCommand } from './runs-cancel.ts';
import { runsListCommand } from './runs-list.ts';
import { runsShowCommand } from './runs-show.ts';
import { serveCommand } from './serve.ts';

/** Every CLI command; each lives in its own file. */
export const COMMANDS: readonly Command[] = [backendCommand, serveCommand, runsListCommand, runsShowCommand, runsCancelCommand, pretrainMlmCommand];

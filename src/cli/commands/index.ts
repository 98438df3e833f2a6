import type { Command } from '../command.ts';
import { backendCommand } from './backend.ts';
import { benchTrainStepCommand } from './bench-train-step.ts';
import { runsCancelCommand } from './runs-cancel.ts';
import { runsListCommand } from './runs-list.ts';
import { runsShowCommand } from './runs-show.ts';
import { serveCommand } from './serve.ts';

/** Every CLI command; each lives in its own file. */
export const COMMANDS: readonly Command[] = [backendCommand, benchTrainStepCommand, serveCommand, runsListCommand, runsShowCommand, runsCancelCommand];

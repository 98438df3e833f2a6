import type { Command } from '../command.ts';
import { backendCommand } from './backend.ts';
import { runsCancelCommand } from './runs-cancel.ts';
import { runsListCommand } from './runs-list.ts';
import { runsResumeCommand } from './runs-resume.ts';
import { runsShowCommand } from './runs-show.ts';
import { serveCommand } from './serve.ts';
import { trainCommand } from './train.ts';

/** Every CLI command; each lives in its own file. */
export const COMMANDS: readonly Command[] = [
  backendCommand,
  serveCommand,
  trainCommand,
  runsListCommand,
  runsShowCommand,
  runsResumeCommand,
  runsCancelCommand,
];

import type { Command } from '../command.ts';
import { backendCommand } from './backend.ts';
import { benchEncodeCommand } from './bench-encode.ts';
import { encodeCommand } from './encode.ts';
import { headStatsCommand } from './head-stats.ts';
import { pretrainMlmCommand } from './pretrain-mlm.ts';
import { runsCancelCommand } from './runs-cancel.ts';
import { runsListCommand } from './runs-list.ts';
import { runsShowCommand } from './runs-show.ts';
import { serveCommand } from './serve.ts';
import { tokenizeCommand } from './tokenize.ts';
import { webCommand } from './web.ts';

/** Every CLI command; each lives in its own file. */
export const COMMANDS: readonly Command[] = [
  tokenizeCommand,
  encodeCommand,
  headStatsCommand,
  pretrainMlmCommand,
  runsListCommand,
  runsShowCommand,
  runsCancelCommand,
  webCommand,
  serveCommand,
  benchEncodeCommand,
  backendCommand,
];

import type { Command } from '../command.ts';
import { backendCommand } from './backend.ts';
import { benchEncodeCommand } from './bench-encode.ts';
import { benchSearchCommand } from './bench-search.ts';
import { benchTrainStepCommand } from './bench-train-step.ts';
import { bm25Command } from './bm25.ts';
import { dataImportCommand } from './data-import.ts';
import { dataListCommand } from './data-list.ts';
import { demoRegisterCommand } from './demo-register.ts';
import { demoRunCommand } from './demo-run.ts';
import { encodeCommand } from './encode.ts';
import { evalCommand } from './eval.ts';
import { exportCommand } from './export.ts';
import { headStatsCommand } from './head-stats.ts';
import { metricsCommand } from './metrics.ts';
import { pretrainMlmCommand } from './pretrain-mlm.ts';
import { fillMaskCommand } from './fill-mask.ts';
import { runsCancelCommand } from './runs-cancel.ts';
import { runsExportMetricsCommand } from './runs-export-metrics.ts';
import { runsListCommand } from './runs-list.ts';
import { runsResumeCommand } from './runs-resume.ts';
import { runsShowCommand } from './runs-show.ts';
import { serveCommand } from './serve.ts';
import { tokenizeCommand } from './tokenize.ts';
import { trainCommand } from './train.ts';
import { webCommand } from './web.ts';

/** Every CLI command; each lives in its own file (this list is the order `lsr --help` shows). */
export const COMMANDS: readonly Command[] = [
  tokenizeCommand,
  encodeCommand,
  headStatsCommand,
  evalCommand,
  trainCommand,
  runsListCommand,
  runsShowCommand,
  runsResumeCommand,
  runsCancelCommand,
  runsExportMetricsCommand,
  exportCommand,
  dataImportCommand,
  dataListCommand,
  metricsCommand,
  bm25Command,
  pretrainMlmCommand,
  fillMaskCommand,
  demoRegisterCommand,
  demoRunCommand,
  webCommand,
  serveCommand,
  benchEncodeCommand,
  benchSearchCommand,
  benchTrainStepCommand,
  backendCommand,
];

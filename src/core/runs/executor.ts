import type { RunConfigJson } from './run-config.ts';

/** What a training executor gets from the run process: the run, where to write, and where to report. */
export interface RunContext {
  runId: string;
  /** The workspace folder. */
  home: string;
  config: RunConfigJson;
  /** 0 for a fresh run; the step of the checkpoint a resumed run continues from (the next step is startStep + 1). */
  startStep: number;
  /** The checkpoint folder recorded for `startStep`, or null for a fresh run. */
  resumeCheckpoint: string | null;
  /** Where to save the checkpoint of a step (`<home>/runs/<id>/checkpoints/step-<step>`); created on demand by the executor. */
  checkpointDir(step: number): string;
  /** Aborted on cancel: stop at the next step boundary, save a checkpoint, return `{status: 'cancelled'}`. */
  signal: AbortSignal;
  /** Per-step metrics by name; they reach SQLite within about a second. */
  record(step: number, metrics: Record<string, number>): void;
  /** A checkpoint is complete on disk (metrics recorded up to `step` are flushed before it is registered). */
  checkpointSaved(step: number, path: string): void;
  progress(p: { step: number; totalSteps: number; message?: string }): void;
  evaluation(e: {
    step: number;
    dataset: string;
    split: string;
    metrics: Record<string, number>;
    perQuery?: Record<string, Record<string, number>>;
  }): void;
}

export type RunOutcome =
  | { status: 'finished' }
  | { status: 'collapsed'; reason: string; step: number }
  | { status: 'cancelled'; step: number };

/** Trains one run. Throwing marks the run `failed` with the error's message. */
export type RunExecutor = (ctx: RunContext) => Promise<RunOutcome>;

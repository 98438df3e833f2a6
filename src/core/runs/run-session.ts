import path from 'node:path';
import { CancelledError, errorMessage } from '../errors.ts';
import { RunStateError } from '../store/errors.ts';
import type { MetricsWriter } from '../store/metrics-writer.ts';
import type { RunStatus } from '../store/run-status.ts';
import type { Store } from '../store/store.ts';
import { activeBackend } from '../tensor/backend.ts';
import type { RunContext, RunExecutor, RunOutcome } from './executor.ts';
import { executorRegistration, loadExecutorModules } from './executor-registry.ts';
import type { EndMessage, RunProcessMessage } from './process-messages.ts';
import { storedRunConfig, type RunConfigJson } from './run-config.ts';

export interface RunSessionOptions {
  store: Store;
  home: string;
  runId: string;
  /** 0, or the checkpoint step a resumed run continues from. */
  startStep: number;
  /** To the parent process; must not throw. */
  send: (message: RunProcessMessage) => void;
  /** Diagnostics (stderr in the run process). */
  log: (line: string) => void;
  /** How often the cancel flag is polled (ms); the heartbeat goes out every fourth poll. Default 500. */
  pollMs?: number;
  /** Progress messages are sent at most this often (ms), the last step always. Default 100. */
  progressEveryMs?: number;
}

/** `<home>/runs/<id>/checkpoints/step-<step>` */
export function checkpointFolder(home: string, runId: string, step: number): string {
  return path.join(home, 'runs', runId, 'checkpoints', `step-${step}`);
}

/**
 * One run inside its training process: takes the run from `queued` to `running`, hands the executor its
 * context, keeps the heartbeat and the cancel flag, and records how it ended.
 */
export class RunSession {
  private readonly controller = new AbortController();
  private writer: MetricsWriter | undefined;
  private lastStep: number | null = null;
  private lastMetrics: Record<string, number> = {};
  private lastProgressAt = 0;
  private ended: EndMessage | undefined;

  constructor(private readonly o: RunSessionOptions) {}

  /** Asks the executor to stop at its next step boundary (idempotent). */
  cancel(): void {
    if (!this.controller.signal.aborted) this.controller.abort(new CancelledError('cancelled by user'));
  }

  /**
   * Last resort when the process must exit now (a second Ctrl-C, an uncaught error): flushes the metrics and
   * records the status synchronously. A resume continues from the last checkpoint.
   */
  abandon(status: 'interrupted' | 'failed', reason: string): EndMessage {
    if (this.ended) return this.ended;
    try {
      this.writer?.close();
    } catch (err) {
      this.o.log(`could not flush metrics: ${errorMessage(err)}`);
    }
    return this.finish(status, reason, this.lastStep);
  }

  async run(): Promise<EndMessage> {
    const { store, runId, startStep } = this.o;
    let config: RunConfigJson;
    let executor: RunExecutor;
    try {
      config = storedRunConfig(store.runs.require(runId).config, runId);
      if (config.backend !== undefined) process.env.LSR_BACKEND = config.backend;
      await loadExecutorModules();
      executor = await executorRegistration(config.kind).load();
    } catch (err) {
      return this.finish('failed', errorMessage(err), null, 'queued');
    }
    if (this.controller.signal.aborted) return this.finish('cancelled', 'cancelled before it started', null, 'queued');
    try {
      store.runs.transition(runId, 'running', { expectedFrom: 'queued', step: startStep > 0 ? startStep : null });
    } catch (err) {
      // Cancelled (or started elsewhere) while this process was starting.
      if (!(err instanceof RunStateError)) throw err;
      const run = store.runs.require(runId);
      this.ended = { type: 'end', runId, status: run.status, reason: run.reason, step: run.lastStep };
      this.o.send(this.ended);
      return this.ended;
    }
    if (startStep > 0) this.lastStep = startStep;
    this.o.send({ type: 'started', runId, pid: process.pid, startStep });
    this.writer = store.metricsWriter(runId, { onError: (err) => this.o.log(`metrics not written yet (will retry): ${errorMessage(err)}`) });
    const timer = this.startTimers();
    let outcome: RunOutcome | undefined;
    let failure: unknown;
    try {
      outcome = await executor(this.context(config));
    } catch (err) {
      failure = err;
    } finally {
      clearInterval(timer);
    }
    this.recordBackend(store, runId);
    if (this.ended) return this.ended;
    try {
      this.writer.close();
    } catch (err) {
      // The run stays `running`; the next start marks it interrupted and a resume repeats the unrecorded steps.
      this.o.log(`could not write the last metrics: ${errorMessage(err)}`);
      throw err;
    }
    if (outcome === undefined) {
      if (this.controller.signal.aborted && isAbort(failure)) return this.finish('cancelled', 'cancelled by user', this.lastStep);
      return this.finish('failed', errorMessage(failure), this.lastStep);
    }
    switch (outcome.status) {
      case 'finished':
        return this.finish('finished', null, this.lastStep);
      case 'collapsed':
        return this.finish('collapsed', outcome.reason, outcome.step);
      case 'cancelled':
        return this.finish('cancelled', 'cancelled by user', outcome.step);
    }
  }

  private context(config: RunConfigJson): RunContext {
    const { store, runId, home, startStep } = this.o;
    const writer = this.writer!;
    const resumeCheckpoint = startStep > 0 ? (store.checkpoints.get(runId, startStep)?.path ?? null) : null;
    return {
      runId,
      home,
      config,
      startStep,
      resumeCheckpoint,
      signal: this.controller.signal,
      checkpointDir: (step) => checkpointFolder(home, runId, step),
      record: (step, metrics) => {
        writer.append(step, metrics);
        if (this.lastStep === null || step > this.lastStep) {
          this.lastStep = step;
          this.lastMetrics = { ...metrics };
        } else if (step === this.lastStep) {
          Object.assign(this.lastMetrics, metrics);
        }
      },
      checkpointSaved: (step, checkpointPath) => {
        // Metrics up to the checkpoint must be in the database before it counts as a place to resume from.
        writer.flush();
        store.checkpoints.add(runId, step, checkpointPath);
        this.o.send({ type: 'checkpoint', runId, step, path: checkpointPath });
      },
      progress: ({ step, totalSteps, message }) => {
        const now = Date.now();
        if (step < totalSteps && now - this.lastProgressAt < (this.o.progressEveryMs ?? 100)) return;
        this.lastProgressAt = now;
        const m: RunProcessMessage = { type: 'progress', runId, step, totalSteps, metrics: { ...this.lastMetrics } };
        if (message !== undefined) m.message = message;
        this.o.send(m);
      },
      evaluation: (e) => {
        store.evaluations.add({ runId, ...e });
        this.o.send({ type: 'evaluation', runId, step: e.step, dataset: e.dataset, split: e.split, metrics: e.metrics });
      },
    };
  }

  /** The tensor backend the executor actually used, kept in the run's config beside the requested one. */
  private recordBackend(store: Store, runId: string): void {
    const used = activeBackend();
    const run = store.runs.get(runId);
    if (!used || !run) return;
    try {
      store.runs.update(runId, { config: { ...run.config, backendUsed: used.name } });
    } catch (err) {
      this.o.log(`could not record the backend: ${errorMessage(err)}`);
    }
  }

  private startTimers(): NodeJS.Timeout {
    const { store, runId } = this.o;
    let tick = 0;
    const timer = setInterval(() => {
      try {
        if (!this.controller.signal.aborted && store.runs.isCancelRequested(runId)) this.cancel();
        if (++tick % 4 === 0) store.runs.heartbeat(runId);
      } catch (err) {
        this.o.log(`heartbeat failed (will retry): ${errorMessage(err)}`);
      }
    }, this.o.pollMs ?? 500);
    timer.unref();
    return timer;
  }

  private finish(status: RunStatus, reason: string | null, step: number | null, from: RunStatus = 'running'): EndMessage {
    const { store, runId } = this.o;
    let end: EndMessage = { type: 'end', runId, status, reason, step };
    try {
      store.runs.transition(runId, status, { reason, step, expectedFrom: from });
    } catch (err) {
      if (!(err instanceof RunStateError)) throw err;
      // Someone else decided first (e.g. it was marked interrupted for a silent heartbeat): report what is stored.
      const run = store.runs.require(runId);
      this.o.log(`run ${runId} is already ${run.status}; not marking it ${status}`);
      end = { type: 'end', runId, status: run.status, reason: run.reason, step: run.lastStep };
    }
    this.ended = end;
    this.o.send(end);
    return end;
  }
}

function isAbort(err: unknown): boolean {
  return err instanceof CancelledError || (err instanceof Error && err.name === 'AbortError');
}

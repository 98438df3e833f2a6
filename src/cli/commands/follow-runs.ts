import { runQueue, type QueueItem } from '../../core/runs/queue.ts';
import type { RunEvent } from '../../core/runs/run-events.ts';
import type { RunRecord } from '../../core/store/runs.ts';
import type { Store } from '../../core/store/store.ts';
import type { CommandContext } from '../command.ts';

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1000 || Number.isInteger(v) ? String(Math.round(v * 100) / 100) : v.toPrecision(4);
}

/** The loss to show: `loss` if recorded, else the first metric whose name says loss. */
function lossOf(metrics: Record<string, number>): [string, number] | undefined {
  if ('loss' in metrics) return ['loss', metrics.loss];
  const key = Object.keys(metrics).find((k) => k.includes('loss'));
  return key === undefined ? undefined : [key, metrics[key]];
}

interface RateState {
  /** The first progress report seen: the baseline of the throughput. */
  t0?: number;
  step0?: number;
  lastJsonAt: number;
  lastLineAt: number;
}

/**
 * Prints run events: with `--json` one JSON object per line on stdout (progress at most 4 per second per
 * run); otherwise a progress line on stderr (step/total, loss, throughput, ETA), notes for checkpoints,
 * evaluations and the end, and each run's id on stdout when it ends.
 */
export class RunEventPrinter {
  private readonly rates = new Map<string, RateState>();
  private readonly tty: boolean;

  constructor(
    private readonly ctx: Pick<CommandContext, 'io' | 'progress'>,
    private readonly json: boolean,
    private readonly store: Store,
  ) {
    this.tty = (ctx.io.stderr as NodeJS.WriteStream).isTTY === true;
  }

  private note(line: string): void {
    this.ctx.io.stderr.write(`${this.tty ? '\r\x1b[K' : ''}${line}\n`);
  }

  private label(runId: string): string {
    const run = this.store.runs.get(runId);
    return run && run.name !== run.id ? `${run.name} (${run.id})` : runId;
  }

  handle(e: RunEvent): void {
    const now = Date.now();
    if (this.json) {
      if (e.event === 'progress') {
        const r = this.rate(e.run);
        if (e.step < e.totalSteps && now - r.lastJsonAt < 250) return;
        r.lastJsonAt = now;
      }
      this.ctx.io.stdout.write(JSON.stringify(e) + '\n');
      return;
    }
    switch (e.event) {
      case 'queued':
        this.note(`run ${e.run}${e.name !== e.run ? ` (${e.name})` : ''} queued${e.sweep ? ` in sweep ${e.sweep}` : ''}`);
        break;
      case 'start':
        this.note(`run ${this.label(e.run)}: training in process ${e.pid}${e.startStep > 0 ? `, resuming after step ${e.startStep}` : ''}`);
        break;
      case 'progress':
        this.progressLine(e, now);
        break;
      case 'checkpoint':
        this.note(`run ${this.label(e.run)}: checkpoint at step ${e.step}: ${e.path}`);
        break;
      case 'evaluation': {
        const shown = Object.entries(e.metrics).map(([k, v]) => `${k} ${formatNumber(v)}`).join('  ');
        this.note(`run ${this.label(e.run)}: step ${e.step} ${e.dataset}/${e.split}: ${shown}`);
        break;
      }
      case 'end': {
        const run = this.store.runs.get(e.run);
        const why = run?.reason ? `: ${run.reason}` : '';
        this.note(`run ${this.label(e.run)}: ${e.status}${why}${run?.lastStep != null ? ` (step ${run.lastStep})` : ''}`);
        this.ctx.io.stdout.write(`${e.run}\n`);
        break;
      }
    }
  }

  private rate(runId: string): RateState {
    let r = this.rates.get(runId);
    if (!r) {
      r = { lastJsonAt: 0, lastLineAt: 0 };
      this.rates.set(runId, r);
    }
    return r;
  }

  private progressLine(e: Extract<RunEvent, { event: 'progress' }>, now: number): void {
    const r = this.rate(e.run);
    if (r.t0 === undefined || r.step0 === undefined) {
      r.t0 = now;
      r.step0 = e.step;
    }
    // Off a terminal every line stays in the log, so fewer of them.
    if (!this.tty && e.step < e.totalSteps && now - r.lastLineAt < 1000) return;
    r.lastLineAt = now;
    const rate = (e.step - r.step0) / Math.max((now - r.t0) / 1000, 1e-3);
    const parts = [`${this.label(e.run)} step ${e.step}/${e.totalSteps}`];
    const loss = lossOf(e.metrics);
    if (loss) parts.push(`${loss[0]} ${formatNumber(loss[1])}`);
    if (e.step > r.step0) {
      parts.push(rate >= 1 ? `${rate.toFixed(2)} steps/s` : `${(1 / rate).toFixed(2)} s/step`);
      parts.push(`ETA ${formatDuration((e.totalSteps - e.step) / rate)}`);
    }
    if (e.message) parts.push(e.message);
    this.ctx.progress(parts.join('  '));
  }
}

/**
 * Trains the queued runs and follows them to their end. Ctrl-C (the context's signal) cancels cleanly; a
 * second one exits at once and the runs' processes are killed. Exit status: 0 when every run finished or
 * collapsed (a collapse is a result), 130 after Ctrl-C, 1 otherwise.
 */
export async function followRuns(
  ctx: CommandContext,
  store: Store,
  items: readonly QueueItem[],
  options: { json: boolean; maxParallel?: number },
): Promise<{ status: number; runs: RunRecord[] }> {
  const printer = new RunEventPrinter(ctx, options.json, store);
  const runs = await runQueue(items, {
    store,
    home: ctx.home,
    maxParallel: options.maxParallel,
    signal: ctx.signal,
    onEvent: (e) => printer.handle(e),
  });
  const ok = runs.every((r) => r.status === 'finished' || r.status === 'collapsed');
  return { status: ok ? 0 : ctx.signal.aborted ? 130 : 1, runs };
}

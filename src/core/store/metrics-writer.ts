import type { MetricRow, MetricsRepo } from './metrics.ts';
import type { Clock } from './time.ts';

export interface MetricsWriterOptions {
  /** Buffered rows reach the database at most this long after they were appended (ms). Default 1000. */
  flushIntervalMs?: number;
  /** Flush at once when this many rows wait. Default 20000. */
  maxBufferedRows?: number;
  /**
   * A flush started by the timer that fails (e.g. the database stayed locked past the busy timeout) keeps its
   * rows for the next try and reports here. Default: rethrown asynchronously.
   */
  onError?: (err: unknown) => void;
  clock: Clock;
}

/**
 * The training process's metrics sink: `append` buffers, and the buffer is written in one transaction within
 * `flushIntervalMs` of its first row, when it grows large, on `flush()`, and on `close()`. The timer does not
 * keep the process alive, so call `close()` before exiting.
 */
export class MetricsWriter {
  private buffer: MetricRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly intervalMs: number;
  private readonly maxRows: number;

  constructor(
    private readonly repo: MetricsRepo,
    readonly runId: string,
    private readonly options: MetricsWriterOptions,
  ) {
    this.intervalMs = options.flushIntervalMs ?? 1000;
    this.maxRows = options.maxBufferedRows ?? 20_000;
    if (!(this.intervalMs > 0)) throw new Error('flushIntervalMs must be positive');
  }

  /** Records `{name: value}` at a step. NaN and ±Infinity are kept (a diverging loss is worth seeing). */
  append(step: number, values: Readonly<Record<string, number>>, wallTime?: number): void {
    if (this.closed) throw new Error(`metrics writer for run ${this.runId} is closed`);
    if (!Number.isInteger(step) || step < 0) throw new Error(`metric step must be a non-negative integer, got ${step}`);
    const at = wallTime ?? this.options.clock();
    for (const [name, value] of Object.entries(values)) {
      if (name === '') throw new Error('a metric name must not be empty');
      if (typeof value !== 'number') throw new Error(`metric "${name}" must be a number, got ${typeof value}`);
      this.buffer.push({ step, name, value, wallTime: at });
    }
    if (this.buffer.length >= this.maxRows) this.flush();
    else if (this.buffer.length > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => this.flushFromTimer(), this.intervalMs);
      this.timer.unref();
    }
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered now; returns the number of rows written. Throws if the write fails (rows kept). */
  flush(): number {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buffer.length === 0) return 0;
    const rows = this.buffer;
    this.buffer = [];
    try {
      this.repo.insertBatch(this.runId, rows);
    } catch (err) {
      this.buffer = rows.concat(this.buffer);
      throw err;
    }
    return rows.length;
  }

  /** Flushes what is left and stops accepting rows. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  private flushFromTimer(): void {
    this.timer = undefined;
    try {
      this.flush();
    } catch (err) {
      if (!this.closed && this.buffer.length > 0 && this.timer === undefined) {
        this.timer = setTimeout(() => this.flushFromTimer(), this.intervalMs);
        this.timer.unref();
      }
      if (this.options.onError) this.options.onError(err);
      else throw err;
    }
  }
}

import type Database from 'better-sqlite3';
import { CheckpointsRepo } from './checkpoints.ts';
import { DatasetsRepo } from './datasets.ts';
import { EvaluationsRepo } from './evaluations.ts';
import { markInterruptedRuns, type InterruptedRun, type MarkInterruptedOptions } from './interrupted.ts';
import { MetricsRepo } from './metrics.ts';
import { MetricsWriter, type MetricsWriterOptions } from './metrics-writer.ts';
import { openDatabase, storeFile, type OpenOptions } from './open.ts';
import { rewindRun } from './rewind.ts';
import { RunsRepo } from './runs.ts';
import { SettingsRepo } from './settings.ts';
import { systemClock, type Clock } from './time.ts';

/** The workspace database `<home>/lsr.sqlite` and everything stored in it. */
export class Store {
  readonly runs: RunsRepo;
  readonly metrics: MetricsRepo;
  readonly checkpoints: CheckpointsRepo;
  readonly evaluations: EvaluationsRepo;
  readonly datasets: DatasetsRepo;
  readonly settings: SettingsRepo;

  private constructor(
    readonly db: Database.Database,
    readonly file: string,
    private readonly clock: Clock,
  ) {
    this.runs = new RunsRepo(db, clock);
    this.metrics = new MetricsRepo(db, clock);
    this.checkpoints = new CheckpointsRepo(db, clock);
    this.evaluations = new EvaluationsRepo(db, clock);
    this.datasets = new DatasetsRepo(db);
    this.settings = new SettingsRepo(db, clock);
  }

  /** Opens the database of a workspace folder (see `openDatabase` for the checks). */
  static open(home: string, options: OpenOptions = {}): Store {
    return Store.openFile(storeFile(home), options);
  }

  static openFile(file: string, options: OpenOptions = {}): Store {
    const clock = options.clock ?? systemClock;
    return new Store(openDatabase(file, { ...options, clock }), file, clock);
  }

  /** A buffered metrics writer for the process training `runId`. */
  metricsWriter(runId: string, options: Omit<MetricsWriterOptions, 'clock'> = {}): MetricsWriter {
    return new MetricsWriter(this.metrics, runId, { ...options, clock: this.clock });
  }

  markInterruptedRuns(options: Omit<MarkInterruptedOptions, 'clock'> = {}): InterruptedRun[] {
    return markInterruptedRuns(this.runs, { ...options, clock: this.clock });
  }

  rewindRun(runId: string, step: number): void {
    rewindRun(this.db, this.clock, runId, step);
  }

  /**
   * SQLite's `data_version`: changes whenever another connection (another process, another Store) commits
   * to the database. Commits through this Store leave it as it is.
   */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** What every CLI command and the app do first: open the workspace store and mark dead runs interrupted. */
export function openWorkspaceStore(home: string, options: OpenOptions = {}): Store {
  const store = Store.open(home, options);
  try {
    store.markInterruptedRuns();
  } catch (err) {
    store.close();
    throw err;
  }
  return store;
}

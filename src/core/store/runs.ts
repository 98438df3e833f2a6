import os from 'node:os';
import type Database from 'better-sqlite3';
import { InputError } from '../errors.ts';
import { RunStateError, sqliteCode } from './errors.ts';
import { newId } from './ids.ts';
import { isPlainObject, toJson } from './json.ts';
import { canTransition, isEndedStatus, type RunStatus } from './run-status.ts';
import { iso, type Clock } from './time.ts';

export interface RunRecord {
  id: string;
  name: string;
  status: RunStatus;
  /** Why the run is in its status (failure message, collapse cause, …); null when there is nothing to say. */
  reason: string | null;
  /** The full run config as given at creation (backbone, k, hyperparameters, seed, backend, versions). */
  config: Record<string, unknown>;
  tags: string[];
  notes: string;
  sweepId: string | null;
  /** Process working on the run while it is running. */
  pid: number | null;
  host: string | null;
  heartbeatAt: string | null;
  cancelRequestedAt: string | null;
  lastStep: number | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

export interface StatusChange {
  from: RunStatus | null;
  to: RunStatus;
  reason: string | null;
  step: number | null;
  at: string;
}

export interface NewRun {
  config: object;
  /** Defaults to the id. */
  name?: string;
  tags?: readonly string[];
  notes?: string;
  sweepId?: string | null;
}

export interface TransitionOptions {
  reason?: string | null;
  step?: number | null;
  /** For → running: the process doing the work (default: this one). */
  pid?: number;
  /** Apply only if the run is still in this status (a guard against racing writers). */
  expectedFrom?: RunStatus;
}

/** What a watcher compares to see that runs changed (see `RunsRepo.states`). */
export interface RunState {
  id: string;
  status: RunStatus;
  reason: string | null;
  name: string;
  tags: string;
  notes: string;
  lastStep: number | null;
  cancelRequestedAt: string | null;
}

export interface RunFilter {
  status?: RunStatus;
  sweepId?: string;
  tag?: string;
}

interface RunRow {
  id: string;
  name: string;
  status: RunStatus;
  reason: string | null;
  config: string;
  tags: string;
  notes: string;
  sweep_id: string | null;
  pid: number | null;
  host: string | null;
  heartbeat_at: string | null;
  cancel_requested_at: string | null;
  last_step: number | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  ended_at: string | null;
}

function fromRow(row: RunRow): RunRecord {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    reason: row.reason,
    config: JSON.parse(row.config) as Record<string, unknown>,
    tags: JSON.parse(row.tags) as string[],
    notes: row.notes,
    sweepId: row.sweep_id,
    pid: row.pid,
    host: row.host,
    heartbeatAt: row.heartbeat_at,
    cancelRequestedAt: row.cancel_requested_at,
    lastStep: row.last_step,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

function checkTags(tags: readonly string[]): string[] {
  for (const t of tags) if (typeof t !== 'string' || t === '') throw new Error('tags must be non-empty strings');
  return [...new Set(tags)];
}

function checkStep(step: number | null | undefined): number | null {
  if (step === undefined || step === null) return null;
  if (!Number.isInteger(step) || step < 0) throw new Error(`step must be a non-negative integer, got ${step}`);
  return step;
}

/** Runs and their status history. */
export class RunsRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
  ) {}

  create(input: NewRun): RunRecord {
    if (!isPlainObject(input.config)) throw new Error('a run config must be an object');
    const config = toJson(input.config, 'run config');
    const tags = toJson(checkTags(input.tags ?? []), 'tags');
    const insert = this.db.prepare(
      `INSERT INTO runs (id, name, status, config, tags, notes, sweep_id, created_at, updated_at)
       VALUES (@id, @name, 'queued', @config, @tags, @notes, @sweepId, @now, @now)`,
    );
    const history = this.db.prepare(
      `INSERT INTO run_status_history (run_id, from_status, to_status, at) VALUES (?, NULL, 'queued', ?)`,
    );
    for (let attempt = 0; ; attempt++) {
      const now = this.clock();
      const id = newId(now);
      try {
        this.db.transaction(() => {
          insert.run({ id, name: input.name ?? id, config, tags, notes: input.notes ?? '', sweepId: input.sweepId ?? null, now: iso(now) });
          history.run(id, iso(now));
        })();
        return this.require(id);
      } catch (err) {
        // Another process made the same id in the same millisecond: draw again.
        if (sqliteCode(err) === 'SQLITE_CONSTRAINT_PRIMARYKEY' && attempt < 5) continue;
        throw err;
      }
    }
  }

  get(id: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row && fromRow(row);
  }

  /** The run with this exact id; an unknown id is the user's mistake (exit 2 in the CLI). */
  require(id: string): RunRecord {
    const run = this.get(id);
    if (!run) throw new InputError(`unknown run "${id}"`, { field: 'run' });
    return run;
  }

  /**
   * A run named on a command line: its exact id, else a unique id prefix (4+ characters), else a unique name.
   */
  resolve(ref: string): RunRecord {
    const exact = this.get(ref);
    if (exact) return exact;
    const fail = (why: string) => new InputError(why, { field: 'RUN' });
    const candidates =
      ref.length >= 4
        ? (this.db.prepare(`SELECT id FROM runs WHERE substr(id, 1, ?) = ? ORDER BY id`).all(ref.length, ref) as { id: string }[])
        : [];
    const byName = candidates.length > 0 ? [] : (this.db.prepare('SELECT id FROM runs WHERE name = ? ORDER BY id').all(ref) as { id: string }[]);
    const found = candidates.length > 0 ? candidates : byName;
    if (found.length === 1) return this.require(found[0].id);
    if (found.length > 1) throw fail(`"${ref}" matches several runs (${found.map((r) => r.id).join(', ')}); give the full id`);
    throw fail(`unknown run "${ref}" (see lsr runs list)`);
  }

  /** The mutable fields of every run, read in one scan without parsing configs. */
  states(): RunState[] {
    return this.db
      .prepare(
        `SELECT id, status, reason, name, tags, notes, last_step AS lastStep, cancel_requested_at AS cancelRequestedAt FROM runs`,
      )
      .all() as RunState[];
  }

  /** Newest first. */
  list(filter: RunFilter = {}): RunRecord[] {
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (filter.status !== undefined) {
      where.push('status = @status');
      params.status = filter.status;
    }
    if (filter.sweepId !== undefined) {
      where.push('sweep_id = @sweepId');
      params.sweepId = filter.sweepId;
    }
    if (filter.tag !== undefined) {
      where.push('EXISTS (SELECT 1 FROM json_each(runs.tags) WHERE value = @tag)');
      params.tag = filter.tag;
    }
    const sql = `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC`;
    return (this.db.prepare(sql).all(params) as RunRow[]).map(fromRow);
  }

  update(id: string, changes: { name?: string; tags?: readonly string[]; notes?: string; config?: object }): RunRecord {
    const run = this.require(id);
    if (changes.config !== undefined && !isPlainObject(changes.config)) throw new Error('a run config must be an object');
    this.db
      .prepare(`UPDATE runs SET name = ?, tags = ?, notes = ?, config = ?, updated_at = ? WHERE id = ?`)
      .run(
        changes.name ?? run.name,
        toJson(changes.tags !== undefined ? checkTags(changes.tags) : run.tags, 'tags'),
        changes.notes ?? run.notes,
        toJson(changes.config ?? run.config, 'run config'),
        iso(this.clock()),
        id,
      );
    return this.require(id);
  }

  /**
   * Moves a run to a new status if its lifecycle allows it, and records the change (time, reason, step).
   * Entering `running` records this process (or `pid`) and clears a pending cancel request; leaving it
   * records the end time and forgets the pid.
   */
  transition(id: string, to: RunStatus, options: TransitionOptions = {}): RunRecord {
    const step = checkStep(options.step);
    return this.db
      .transaction(() => {
        const run = this.require(id);
        if (options.expectedFrom !== undefined && run.status !== options.expectedFrom) {
          throw new RunStateError(id, run.status, to);
        }
        if (!canTransition(run.status, to)) throw new RunStateError(id, run.status, to);
        const now = iso(this.clock());
        const lastStep = step === null ? run.lastStep : Math.max(run.lastStep ?? step, step);
        const running = to === 'running';
        this.db
          .prepare(
            `UPDATE runs SET status = @to, reason = @reason, last_step = @lastStep, updated_at = @now,
               pid = @pid, host = @host,
               heartbeat_at = CASE WHEN @running THEN @now ELSE heartbeat_at END,
               started_at = CASE WHEN @running THEN coalesce(started_at, @now) ELSE started_at END,
               ended_at = CASE WHEN @ended THEN @now ELSE NULL END,
               cancel_requested_at = CASE WHEN @running OR @to = 'queued' THEN NULL ELSE cancel_requested_at END
             WHERE id = @id`,
          )
          .run({
            id,
            to,
            reason: options.reason ?? null,
            lastStep,
            now,
            pid: running ? (options.pid ?? process.pid) : null,
            host: running ? os.hostname() : run.host,
            running: running ? 1 : 0,
            ended: isEndedStatus(to) ? 1 : 0,
          });
        this.db
          .prepare(
            `INSERT INTO run_status_history (run_id, from_status, to_status, reason, step, at) VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(id, run.status, to, options.reason ?? null, step ?? lastStep, now);
        return this.require(id);
      })
      .immediate();
  }

  history(id: string): StatusChange[] {
    return this.db
      .prepare(
        `SELECT from_status AS "from", to_status AS "to", reason, step, at FROM run_status_history WHERE run_id = ? ORDER BY id`,
      )
      .all(id) as StatusChange[];
  }

  /** The training process says it is alive (and how far it got). */
  heartbeat(id: string, step?: number): void {
    const s = checkStep(step);
    this.db
      .prepare(
        `UPDATE runs SET heartbeat_at = @now, updated_at = @now,
           last_step = CASE WHEN @step IS NULL THEN last_step ELSE max(coalesce(last_step, @step), @step) END
         WHERE id = @id`,
      )
      .run({ id, now: iso(this.clock()), step: s });
  }

  /**
   * Asks for a run to stop. A queued or interrupted run (no process works on it) becomes `cancelled` at once;
   * a running one gets a flag its process polls (`isCancelRequested`) and then stops itself; an ended run is
   * left alone.
   */
  requestCancel(id: string, reason = 'cancelled by user'): { outcome: 'requested' | 'cancelled' | 'already-ended'; run: RunRecord } {
    return this.db
      .transaction(() => {
        const run = this.require(id);
        if (run.status === 'running') {
          const now = iso(this.clock());
          this.db
            .prepare('UPDATE runs SET cancel_requested_at = coalesce(cancel_requested_at, ?), updated_at = ? WHERE id = ?')
            .run(now, now, id);
          return { outcome: 'requested' as const, run: this.require(id) };
        }
        if (run.status === 'queued' || run.status === 'interrupted') {
          return { outcome: 'cancelled' as const, run: this.transition(id, 'cancelled', { reason }) };
        }
        return { outcome: 'already-ended' as const, run };
      })
      .immediate();
  }

  isCancelRequested(id: string): boolean {
    const row = this.db.prepare('SELECT cancel_requested_at AS at FROM runs WHERE id = ?').get(id) as { at: string | null } | undefined;
    return row?.at != null;
  }

  /** Removes a run and everything recorded for it (not its files on disk). */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }
}

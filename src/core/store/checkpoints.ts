import type Database from 'better-sqlite3';
import { iso, type Clock } from './time.ts';

export interface CheckpointRecord {
  runId: string;
  step: number;
  /** Folder in Hugging Face layout (plus optimizer state). */
  path: string;
  createdAt: string;
}

const COLUMNS = 'run_id AS runId, step, path, created_at AS createdAt';

export class CheckpointsRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
  ) {}

  /** Records a checkpoint; a second one at the same step replaces the first. */
  add(runId: string, step: number, path: string): CheckpointRecord {
    if (!Number.isInteger(step) || step < 0) throw new Error(`checkpoint step must be a non-negative integer, got ${step}`);
    this.db
      .prepare(
        `INSERT INTO checkpoints (run_id, step, path, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (run_id, step) DO UPDATE SET path = excluded.path, created_at = excluded.created_at`,
      )
      .run(runId, step, path, iso(this.clock()));
    return this.get(runId, step)!;
  }

  get(runId: string, step: number): CheckpointRecord | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM checkpoints WHERE run_id = ? AND step = ?`).get(runId, step) as
      | CheckpointRecord
      | undefined;
  }

  /** Oldest step first. */
  list(runId: string): CheckpointRecord[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM checkpoints WHERE run_id = ? ORDER BY step`).all(runId) as CheckpointRecord[];
  }

  latest(runId: string): CheckpointRecord | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1`).get(runId) as
      | CheckpointRecord
      | undefined;
  }

  remove(runId: string, step: number): boolean {
    return this.db.prepare('DELETE FROM checkpoints WHERE run_id = ? AND step = ?').run(runId, step).changes > 0;
  }
}

import type Database from 'better-sqlite3';
import { iso, type Clock } from './time.ts';

/**
 * Before resuming from the checkpoint at `step`: forgets the metrics, evaluations and checkpoints recorded
 * after it (the resumed run records those steps again) and sets the run's last step to it, in one transaction.
 */
export function rewindRun(db: Database.Database, clock: Clock, runId: string, step: number): void {
  if (!Number.isInteger(step) || step < 0) throw new Error(`step must be a non-negative integer, got ${step}`);
  db.transaction(() => {
    db.prepare('DELETE FROM metrics WHERE run_id = ? AND step > ?').run(runId, step);
    db.prepare('DELETE FROM evaluations WHERE run_id = ? AND step > ?').run(runId, step);
    db.prepare('DELETE FROM checkpoints WHERE run_id = ? AND step > ?').run(runId, step);
    db.prepare('UPDATE runs SET last_step = ?, updated_at = ? WHERE id = ?').run(step, iso(clock()), runId);
  }).immediate();
}

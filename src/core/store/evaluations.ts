import type Database from 'better-sqlite3';
import { isPlainObject, toJson } from './json.ts';
import { iso, type Clock } from './time.ts';

/** Metric name (`ndcg@10`, `mrr@10`, …) → value. */
export type EvaluationMetrics = Record<string, number>;

export interface EvaluationRecord {
  id: number;
  runId: string;
  step: number;
  dataset: string;
  split: string;
  metrics: EvaluationMetrics;
  createdAt: string;
}

export interface NewEvaluation {
  runId: string;
  step: number;
  dataset: string;
  split: string;
  metrics: EvaluationMetrics;
  /** Query id → that query's metrics. Kept apart from the listing, which never loads it. */
  perQuery?: Record<string, EvaluationMetrics>;
}

interface Row {
  id: number;
  runId: string;
  step: number;
  dataset: string;
  split: string;
  metrics: string;
  createdAt: string;
}

const COLUMNS = 'id, run_id AS runId, step, dataset, split, metrics, created_at AS createdAt';

const fromRow = (r: Row): EvaluationRecord => ({ ...r, metrics: JSON.parse(r.metrics) as EvaluationMetrics });

export class EvaluationsRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
  ) {}

  add(input: NewEvaluation): EvaluationRecord {
    if (!Number.isInteger(input.step) || input.step < 0) throw new Error(`evaluation step must be a non-negative integer, got ${input.step}`);
    if (!isPlainObject(input.metrics)) throw new Error('evaluation metrics must be an object');
    const info = this.db
      .prepare(
        `INSERT INTO evaluations (run_id, step, dataset, split, metrics, per_query, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.runId,
        input.step,
        input.dataset,
        input.split,
        toJson(input.metrics, 'evaluation metrics'),
        input.perQuery === undefined ? null : toJson(input.perQuery, 'per-query metrics'),
        iso(this.clock()),
      );
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): EvaluationRecord | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM evaluations WHERE id = ?`).get(id) as Row | undefined;
    return row && fromRow(row);
  }

  /** In step order (then recording order). */
  list(runId: string): EvaluationRecord[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM evaluations WHERE run_id = ? ORDER BY step, id`).all(runId) as Row[]).map(fromRow);
  }

  /** The most recent evaluation of each (dataset, split) of a run. */
  latest(runId: string): EvaluationRecord[] {
    return (
      this.db
        .prepare(
          `SELECT ${COLUMNS} FROM evaluations e WHERE run_id = @run AND id = (
             SELECT id FROM evaluations WHERE run_id = @run AND dataset = e.dataset AND split = e.split ORDER BY step DESC, id DESC LIMIT 1)
           ORDER BY step, id`,
        )
        .all({ run: runId }) as Row[]
    ).map(fromRow);
  }

  /** Ids of a run's evaluations stored with per-query values (without reading those values). */
  idsWithPerQuery(runId: string): Set<number> {
    const rows = this.db.prepare('SELECT id FROM evaluations WHERE run_id = ? AND per_query IS NOT NULL').all(runId) as { id: number }[];
    return new Set(rows.map((r) => r.id));
  }

  perQuery(id: number): Record<string, EvaluationMetrics> | undefined {
    const row = this.db.prepare('SELECT per_query AS p FROM evaluations WHERE id = ?').get(id) as { p: string | null } | undefined;
    return row?.p == null ? undefined : (JSON.parse(row.p) as Record<string, EvaluationMetrics>);
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM evaluations WHERE id = ?').run(id).changes > 0;
  }
}

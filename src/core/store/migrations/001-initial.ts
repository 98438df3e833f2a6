import type { Migration } from './types.ts';

const SQL = `
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('queued', 'running', 'finished', 'failed', 'collapsed', 'cancelled', 'interrupted')),
  reason TEXT,
  config TEXT NOT NULL CHECK (json_valid(config)),
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
  notes TEXT NOT NULL DEFAULT '',
  sweep_id TEXT,
  pid INTEGER,
  host TEXT,
  heartbeat_at TEXT,
  cancel_requested_at TEXT,
  last_step INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  started_at TEXT,
  ended_at TEXT
);
CREATE INDEX runs_status ON runs (status);
CREATE INDEX runs_sweep ON runs (sweep_id) WHERE sweep_id IS NOT NULL;

CREATE TABLE run_status_history (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  from_status TEXT,
  to_status TEXT NOT NULL,
  reason TEXT,
  step INTEGER,
  at TEXT NOT NULL
);
CREATE INDEX run_status_history_run ON run_status_history (run_id, id);

CREATE TABLE metric_names (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

-- One row per (run, metric, step); the key order serves "series of one metric of one run" as a range scan.
-- value is NULL for NaN (SQLite has no NaN); wall_time is milliseconds since the epoch.
CREATE TABLE metrics (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name_id INTEGER NOT NULL REFERENCES metric_names (id),
  step INTEGER NOT NULL,
  value REAL,
  wall_time INTEGER NOT NULL,
  PRIMARY KEY (run_id, name_id, step)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  path TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, step)
);

CREATE TABLE evaluations (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  dataset TEXT NOT NULL,
  split TEXT NOT NULL,
  metrics TEXT NOT NULL CHECK (json_valid(metrics)),
  per_query TEXT CHECK (per_query IS NULL OR json_valid(per_query)),
  created_at TEXT NOT NULL
);
CREATE INDEX evaluations_run ON evaluations (run_id, step);

CREATE TABLE datasets (
  name TEXT PRIMARY KEY,
  format TEXT NOT NULL,
  source TEXT NOT NULL,
  path TEXT NOT NULL,
  docs INTEGER NOT NULL,
  queries INTEGER NOT NULL,
  splits TEXT NOT NULL CHECK (json_valid(splits)),
  training_examples INTEGER NOT NULL,
  skipped_lines INTEGER NOT NULL,
  imported_at TEXT NOT NULL
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value)),
  updated_at TEXT NOT NULL
);
`;

export const initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(SQL);
  },
};

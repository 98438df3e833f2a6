import type Database from 'better-sqlite3';
import { StoreError } from '../errors.ts';
import type { Migration } from './types.ts';

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: string;
}

/** Throws on a list that is not strictly increasing from 1 without gaps: a programming error, caught by tests. */
export function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration "${m.name}" has version ${m.version}, expected ${i + 1} (versions run 1, 2, 3, … in order)`);
    }
  });
}

export function appliedMigrations(db: Database.Database): AppliedMigration[] {
  const exists = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).get();
  if (exists === undefined) return [];
  return db
    .prepare('SELECT version, name, applied_at AS appliedAt FROM schema_migrations ORDER BY version')
    .all() as AppliedMigration[];
}

/**
 * Brings the schema up to the last migration: each pending one in its own immediate transaction, in order.
 * A database whose schema is newer than this code knows is refused, not touched. Returns the versions applied.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], file: string, now: () => string): number[] {
  checkMigrationList(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const currentVersion = () =>
    (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  const known = migrations.length;
  const current = currentVersion();
  if (current > known) {
    throw new StoreError(
      'too-new',
      file,
      `the database schema is version ${current} but this lsr knows versions up to ${known}; ` +
        'it was written by a newer lsr — upgrade lsr to use it (the file was not modified)',
    );
  }
  const applied: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if (currentVersion() >= migration.version) return false;
      migration.up(db);
      record.run(migration.version, migration.name, now());
      return true;
    });
    if (migration.version > current && apply.immediate()) applied.push(migration.version);
  }
  return applied;
}

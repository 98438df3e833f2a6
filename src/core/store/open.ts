import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, isBusyError, isCorruptError } from './errors.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { migrate } from './migrations/runner.ts';
import type { Migration } from './migrations/types.ts';
import { iso, systemClock, type Clock } from './time.ts';

export const DB_FILE_NAME = 'lsr.sqlite';

export function storeFile(home: string): string {
  return path.join(home, DB_FILE_NAME);
}

export interface OpenOptions {
  /** How long a statement waits for another process's write lock before giving up (ms). Default 5000. */
  busyTimeoutMs?: number;
  /** Run `PRAGMA quick_check` on open (default true). */
  quickCheck?: boolean;
  /** Migrations to apply; tests pass their own lists. */
  migrations?: readonly Migration[];
  clock?: Clock;
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

const UNTOUCHED = 'the file was not modified';

function corrupt(file: string, detail: string): StoreError {
  return new StoreError(
    'corrupt',
    file,
    `not a usable lsr database (${detail}); ${UNTOUCHED} — move it aside (or restore a backup) and run again to start a new workspace database`,
  );
}

function locked(file: string, waitedMs: number): StoreError {
  return new StoreError(
    'locked',
    file,
    `the database is locked by another process (waited ${waitedMs} ms): another lsr command or the desktop app holds it; retry when it is done (${UNTOUCHED})`,
  );
}

/** Reads the first bytes without opening the file through SQLite, which could otherwise start writing to it. */
function checkHeader(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return; // SQLite treats an empty file as an empty database; there is nothing to lose.
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    if (read < head.length || !head.equals(SQLITE_HEADER)) throw corrupt(file, 'it is not an SQLite database');
  } finally {
    fs.closeSync(fd);
  }
}

/** Tables a workspace database may hold; any other table means the file belongs to something else. */
function checkForeign(db: Database.Database, file: string): void {
  const tables = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .all() as { name: string }[];
  const hasMigrations = tables.some((t) => t.name === 'schema_migrations');
  if (!hasMigrations && tables.length > 0) {
    throw new StoreError(
      'foreign',
      file,
      `this SQLite database was not created by lsr (it holds tables ${tables.map((t) => t.name).join(', ')}); ${UNTOUCHED}`,
    );
  }
}

/**
 * Opens (creating if absent) the workspace database: WAL journal, foreign keys on, a busy timeout, schema
 * migrated to the latest version. A file that is not an SQLite database, fails `quick_check`, is locked by
 * another process, belongs to another program, or has a newer schema raises a StoreError and is left as is.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Database.Database {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const clock = options.clock ?? systemClock;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  checkHeader(file);
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: busyTimeoutMs });
  } catch (err) {
    if (isCorruptError(err)) throw corrupt(file, (err as Error).message);
    throw err;
  }
  try {
    // Everything that may write comes after the read-only checks.
    if (options.quickCheck ?? true) {
      const rows = db.pragma('quick_check') as { quick_check: string }[];
      const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
      if (problems.length > 0) throw corrupt(file, `quick_check: ${problems.slice(0, 3).join('; ')}`);
    }
    checkForeign(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Take and release the write lock once, so a database held by another writer fails here, clearly.
    db.exec('BEGIN IMMEDIATE');
    db.exec('COMMIT');
    migrate(db, options.migrations ?? MIGRATIONS, file, () => iso(clock()));
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    if (isCorruptError(err)) throw corrupt(file, (err as Error).message);
    if (isBusyError(err)) throw locked(file, busyTimeoutMs);
    throw err;
  }
}

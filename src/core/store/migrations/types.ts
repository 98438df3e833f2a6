import type Database from 'better-sqlite3';

/**
 * One schema step. `up` runs inside a transaction together with the row that records it, so a migration is
 * applied completely or not at all. Never edit a released migration: add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/core/store/errors.ts';
import { MIGRATIONS } from '../../../src/core/store/migrations/index.ts';
import { appliedMigrations, checkMigrationList } from '../../../src/core/store/migrations/runner.ts';
import type { Migration } from '../../../src/core/store/migrations/types.ts';
import { openDatabase, storeFile } from '../../../src/core/store/open.ts';
import { useTempHome } from '../../helpers/temp-home.ts';

const home = useTempHome();

const tableNames = (db: Database.Database) =>
  (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);

describe('migrations', () => {
  it('every file migrations/NNN-name.ts is registered, in file order, with version NNN and name', () => {
    const dir = path.resolve('src/core/store/migrations');
    const files = fs.readdirSync(dir).filter((f) => /^\d{3}-.+\.ts$/.test(f)).sort();
    expect(files.length).toBeGreaterThan(0);
    expect(MIGRATIONS.map((m) => `${String(m.version).padStart(3, '0')}-${m.name}.ts`)).toEqual(files);
    expect(() => checkMigrationList(MIGRATIONS)).not.toThrow();
  });

  it('are applied once: a second open applies nothing and changes no schema', () => {
    const file = storeFile(home());
    const first = openDatabase(file);
    const applied = appliedMigrations(first);
    const schema = first.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all();
    first.close();
    expect(applied.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));

    const second = openDatabase(file);
    expect(appliedMigrations(second)).toEqual(applied);
    expect(second.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all()).toEqual(schema);
    second.close();
  });

  it('run in version order, each exactly once, and later ones see earlier ones', () => {
    const order: number[] = [];
    const v1: Migration = { version: 1, name: 'a', up: (db) => (order.push(1), db.exec('CREATE TABLE a (x)')) };
    const v2: Migration = { version: 2, name: 'b', up: (db) => (order.push(2), db.exec('ALTER TABLE a ADD COLUMN y')) };
    const v3: Migration = { version: 3, name: 'c', up: (db) => (order.push(3), db.exec('CREATE TABLE c (z)')) };
    const file = storeFile(home());
    openDatabase(file, { migrations: [v1] }).close();
    expect(order).toEqual([1]);
    const db = openDatabase(file, { migrations: [v1, v2, v3] });
    expect(order).toEqual([1, 2, 3]);
    expect(appliedMigrations(db).map((m) => [m.version, m.name])).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    expect((db.prepare('PRAGMA table_info(a)').all() as { name: string }[]).map((c) => c.name)).toEqual(['x', 'y']);
    db.close();
    openDatabase(file, { migrations: [v1, v2, v3] }).close();
    expect(order).toEqual([1, 2, 3]);
  });

  it('a failing migration is rolled back entirely; the ones before it stay applied', () => {
    const file = storeFile(home());
    const ok: Migration = { version: 1, name: 'ok', up: (db) => db.exec('CREATE TABLE kept (x)') };
    const bad: Migration = {
      version: 2,
      name: 'bad',
      up: (db) => {
        db.exec('CREATE TABLE half_done (x)');
        throw new Error('boom');
      },
    };
    expect(() => openDatabase(file, { migrations: [ok, bad] })).toThrow('boom');
    const raw = new Database(file);
    expect(tableNames(raw)).toEqual(['kept', 'schema_migrations']);
    expect(appliedMigrations(raw).map((m) => m.version)).toEqual([1]);
    raw.close();
  });

  it('refuses a database migrated by a newer version, without touching it', () => {
    const file = storeFile(home());
    openDatabase(file).close();
    const raw = new Database(file);
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(MIGRATIONS.length + 1, 'future', '2099-01-01T00:00:00.000Z');
    raw.close();
    const before = fs.readFileSync(file);
    let caught: unknown;
    try {
      openDatabase(file);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect((caught as StoreError).kind).toBe('too-new');
    expect((caught as StoreError).message).toContain(file);
    expect((caught as StoreError).message).toContain(`version ${MIGRATIONS.length + 1}`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('rejects a migration list out of order or with gaps', () => {
    const m = (version: number): Migration => ({ version, name: `m${version}`, up: () => undefined });
    expect(() => checkMigrationList([m(1), m(3)])).toThrow(/expected 2/);
    expect(() => checkMigrationList([m(2), m(1)])).toThrow(/expected 1/);
    expect(() => checkMigrationList([m(1), m(1)])).toThrow(/expected 2/);
  });
});

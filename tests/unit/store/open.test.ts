import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/core/store/errors.ts';
import { DB_FILE_NAME, storeFile } from '../../../src/core/store/open.ts';
import { Store } from '../../../src/core/store/store.ts';
import { useTempHome } from '../../helpers/temp-home.ts';

const home = useTempHome();

function expectStoreError(fn: () => unknown, kind: StoreError['kind'], file: string, text: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StoreError);
  const err = caught as StoreError;
  expect(err.kind).toBe(kind);
  expect(err.file).toBe(file);
  expect(err.message.startsWith(`${file}: `)).toBe(true);
  expect(err.message).toMatch(text);
  expect(err.message).toMatch(/not modified/);
}

/** Makes a populated database and closes it (the WAL is folded into the main file on close). */
function populated(file: string): void {
  const store = Store.openFile(file);
  const run = store.runs.create({ name: 'seed', config: { k: 4, note: 'x'.repeat(2000) } });
  const writer = store.metricsWriter(run.id);
  for (let step = 0; step < 400; step++) writer.append(step, { loss: 1 / (step + 1), lr: 1e-5, nnz: step });
  writer.close();
  store.close();
  expect(fs.existsSync(`${file}-wal`)).toBe(false);
}

describe('openDatabase', () => {
  it('creates <home>/lsr.sqlite in WAL mode with foreign keys and a busy timeout', () => {
    const store = Store.open(home(), { busyTimeoutMs: 1234 });
    try {
      expect(store.file).toBe(path.join(home(), DB_FILE_NAME));
      expect(storeFile(home())).toBe(store.file);
      expect(fs.existsSync(store.file)).toBe(true);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(store.db.pragma('busy_timeout', { simple: true })).toBe(1234);
      const tables = (store.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
      for (const t of ['runs', 'run_status_history', 'metrics', 'metric_names', 'checkpoints', 'evaluations', 'datasets', 'settings', 'schema_migrations']) {
        expect(tables).toContain(t);
      }
    } finally {
      store.close();
    }
  });

  it('refuses a file that is not a database and leaves it byte for byte as it was', () => {
    const file = storeFile(home());
    const garbage = Buffer.from('this is not a database\n'.repeat(300));
    fs.writeFileSync(file, garbage);
    expectStoreError(() => Store.open(home()), 'corrupt', file, /not an SQLite database/);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
    expect(fs.readdirSync(home())).toEqual([DB_FILE_NAME]);
  });

  it('refuses a database whose pages are damaged (quick_check) and leaves it untouched', () => {
    const file = storeFile(home());
    populated(file);
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    expect(bytes.length / pageSize).toBeGreaterThan(6);
    // Scribble over the b-tree page headers and cell pointers of pages 3..6, keeping the file header valid.
    const damaged = Buffer.from(bytes);
    for (let page = 2; page < 6; page++) damaged.fill(0xa5, page * pageSize, page * pageSize + 64);
    fs.writeFileSync(file, damaged);
    expectStoreError(() => Store.open(home()), 'corrupt', file, /not a usable lsr database/);
    expect(fs.readFileSync(file).equals(damaged)).toBe(true);
  });

  it('refuses a database that fails PRAGMA quick_check (a row breaking its CHECK constraint)', () => {
    const file = storeFile(home());
    populated(file);
    const raw = new Database(file);
    raw.pragma('ignore_check_constraints = ON');
    raw.prepare(`UPDATE runs SET status = 'exploded'`).run();
    raw.close();
    const before = fs.readFileSync(file);
    expectStoreError(() => Store.open(home()), 'corrupt', file, /quick_check: CHECK constraint failed in runs/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('reports a database locked by another connection and does not modify it', () => {
    const file = storeFile(home());
    populated(file);
    const holder = new Database(file);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const before = fs.readFileSync(file);
      expectStoreError(() => Store.open(home(), { busyTimeoutMs: 100 }), 'locked', file, /locked by another process/);
      expect(fs.readFileSync(file).equals(before)).toBe(true);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    // Once released it opens normally, with its data.
    const store = Store.open(home());
    expect(store.runs.list().map((r) => r.name)).toEqual(['seed']);
    store.close();
  });

  it('reports a database held in exclusive locking mode by another connection', () => {
    const file = storeFile(home());
    populated(file);
    const holder = new Database(file);
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('BEGIN IMMEDIATE; UPDATE runs SET notes = notes; COMMIT');
    try {
      expectStoreError(() => Store.open(home(), { busyTimeoutMs: 100 }), 'locked', file, /locked by another process/);
    } finally {
      holder.close();
    }
  });

  it('refuses an SQLite database that another program made', () => {
    const file = storeFile(home());
    const other = new Database(file);
    other.exec('CREATE TABLE contacts (name TEXT)');
    other.close();
    const before = fs.readFileSync(file);
    expectStoreError(() => Store.open(home()), 'foreign', file, /not created by lsr.*contacts/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('opens an existing workspace again with its data', () => {
    const a = Store.open(home());
    const run = a.runs.create({ name: 'kept', config: { k: 16 } });
    a.close();
    const b = Store.open(home());
    expect(b.runs.require(run.id).config).toEqual({ k: 16 });
    b.close();
  });
});

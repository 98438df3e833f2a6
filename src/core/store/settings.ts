import type Database from 'better-sqlite3';
import { toJson } from './json.ts';
import { iso, type Clock } from './time.ts';

/** Workspace settings: key → JSON value. Values come back as `unknown`; the reader validates their shape. */
export class SettingsRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
  ) {}

  get(key: string): unknown {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
  }

  set(key: string, value: unknown): void {
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, toJson(value, `setting "${key}"`), iso(this.clock()));
  }

  delete(key: string): boolean {
    return this.db.prepare('DELETE FROM settings WHERE key = ?').run(key).changes > 0;
  }

  all(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const r of this.db.prepare('SELECT key, value FROM settings ORDER BY key').all() as { key: string; value: string }[]) {
      out[r.key] = JSON.parse(r.value) as unknown;
    }
    return out;
  }
}

import type { RunStatus } from './run-status.ts';

export type StoreErrorKind = 'corrupt' | 'locked' | 'too-new' | 'foreign';

/**
 * The workspace database cannot be used as it is. The message names the file and says what to do; the file
 * itself is left exactly as it was found.
 */
export class StoreError extends Error {
  readonly kind: StoreErrorKind;
  readonly file: string;

  constructor(kind: StoreErrorKind, file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'StoreError';
    this.kind = kind;
    this.file = file;
  }
}

/** A status change the run's lifecycle does not allow (e.g. out of `finished`). */
export class RunStateError extends Error {
  readonly runId: string;
  readonly from: RunStatus;
  readonly to: RunStatus;

  constructor(runId: string, from: RunStatus, to: RunStatus) {
    super(`run ${runId} is ${from} and cannot become ${to}`);
    this.name = 'RunStateError';
    this.runId = runId;
    this.from = from;
    this.to = to;
  }
}

/** The SQLite result code of an error thrown by better-sqlite3, if it is one. */
export function sqliteCode(err: unknown): string | undefined {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('SQLITE_')) {
    return err.code;
  }
  return undefined;
}

export function isBusyError(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

export function isCorruptError(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== undefined && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/** Where in the user's input a problem was found; every field optional, most specific first. */
export interface InputLocation {
  file?: string;
  line?: number;
  field?: string;
}

/**
 * Bad input from the user (a file, a flag, a checkpoint). The CLI maps it to exit status 2; the API to a
 * 4xx-style error. The message always names the file, line or field at fault.
 */
export class InputError extends Error {
  readonly location: InputLocation;

  constructor(message: string, location: InputLocation = {}) {
    super(formatLocated(message, location));
    this.name = 'InputError';
    this.location = location;
  }
}

export function formatLocated(message: string, loc: InputLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file);
  else if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.field !== undefined) parts.push(`field "${loc.field}"`);
  return parts.length > 0 ? `${parts.join(', ')}: ${message}` : message;
}

/** Work stopped on purpose (Ctrl-C, a cancel from the UI). Not a failure. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

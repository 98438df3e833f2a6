import { InputError } from '../core/errors.ts';

/** Parsed command line: `--name value`, `--name=value`, bare `--flag`, and positionals. */
export class Args {
  readonly positionals: string[] = [];
  private readonly values = new Map<string, string[]>();
  private readonly used = new Set<string>();

  constructor(argv: readonly string[], booleanFlags: readonly string[] = []) {
    const booleans = new Set(booleanFlags);
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === '--') {
        this.positionals.push(...argv.slice(i + 1));
        break;
      }
      if (arg.startsWith('--') && arg.length > 2) {
        const eq = arg.indexOf('=');
        const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
        let value: string;
        if (eq >= 0) value = arg.slice(eq + 1);
        else if (booleans.has(name)) value = 'true';
        else {
          const next = argv[i + 1];
          if (next === undefined || (next.startsWith('--') && next.length > 2)) {
            throw new InputError(`missing value`, { field: `--${name}` });
          }
          value = next;
          i++;
        }
        const list = this.values.get(name) ?? [];
        list.push(value);
        this.values.set(name, list);
      } else {
        this.positionals.push(arg);
      }
    }
  }

  string(name: string): string | undefined {
    this.used.add(name);
    const list = this.values.get(name);
    return list ? list[list.length - 1] : undefined;
  }

  required(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === '') throw new InputError('is required', { field: `--${name}` });
    return v;
  }

  flag(name: string): boolean {
    const v = this.string(name);
    if (v === undefined) return false;
    if (v === 'true' || v === '1' || v === 'yes') return true;
    if (v === 'false' || v === '0' || v === 'no') return false;
    throw new InputError(`expected true or false, got "${v}"`, { field: `--${name}` });
  }

  number(name: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    const field = `--${name}`;
    if (v.trim() === '' || !Number.isFinite(n)) throw new InputError(`expected a number, got "${v}"`, { field });
    if (opts.integer && !Number.isInteger(n)) throw new InputError(`expected an integer, got "${v}"`, { field });
    if (opts.min !== undefined && n < opts.min) throw new InputError(`must be at least ${opts.min}`, { field });
    if (opts.max !== undefined && n > opts.max) throw new InputError(`must be at most ${opts.max}`, { field });
    return n;
  }

  numberList(name: string): number[] | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    return v.split(',').map((part) => {
      const n = Number(part);
      if (part.trim() === '' || !Number.isFinite(n)) {
        throw new InputError(`expected a comma-separated list of numbers, got "${v}"`, { field: `--${name}` });
      }
      return n;
    });
  }

  /** Flags given but never read by the command: a typo the user should hear about. */
  unknownFlags(): string[] {
    return [...this.values.keys()].filter((k) => !this.used.has(k));
  }
}

import { formatLocated } from '../errors.ts';

/** A problem found while importing, located in the source. */
export interface ImportIssue {
  file: string;
  line?: number;
  message: string;
}

/** How many issues are kept verbatim (all are counted). */
const KEPT = 50;

/**
 * Malformed input seen during an import: every malformed line is counted per file and reported through
 * `onIssue` (file:line: reason); warnings (data that is kept but looks wrong) are reported the same way.
 */
export class ImportLog {
  readonly malformed: ImportIssue[] = [];
  readonly warnings: ImportIssue[] = [];
  malformedCount = 0;
  warningCount = 0;
  private readonly perFile = new Map<string, { lines: number; malformed: number }>();

  constructor(private readonly onIssue: (issue: ImportIssue & { kind: 'malformed' | 'warning' }) => void = () => {}) {}

  /** Counts one record-bearing line of a file (the denominator of the malformed fraction). */
  line(file: string): void {
    this.entry(file).lines++;
  }

  bad(file: string, line: number | undefined, message: string): void {
    this.malformedCount++;
    this.entry(file).malformed++;
    const issue = { file, line, message };
    if (this.malformed.length < KEPT) this.malformed.push(issue);
    this.onIssue({ ...issue, kind: 'malformed' });
  }

  warn(file: string, line: number | undefined, message: string): void {
    this.warningCount++;
    const issue = { file, line, message };
    if (this.warnings.length < KEPT) this.warnings.push(issue);
    this.onIssue({ ...issue, kind: 'warning' });
  }

  /** Files whose malformed lines exceed `fraction` of their lines, worst first. */
  filesOver(fraction: number): { file: string; lines: number; malformed: number }[] {
    return [...this.perFile]
      .map(([file, c]) => ({ file, ...c }))
      .filter((c) => c.malformed > fraction * Math.max(c.lines, c.malformed))
      .sort((a, b) => b.malformed / b.lines - a.malformed / a.lines);
  }

  private entry(file: string): { lines: number; malformed: number } {
    let e = this.perFile.get(file);
    if (!e) {
      e = { lines: 0, malformed: 0 };
      this.perFile.set(file, e);
    }
    return e;
  }
}

export function formatIssue(issue: ImportIssue): string {
  return formatLocated(issue.message, { file: issue.file, line: issue.line });
}

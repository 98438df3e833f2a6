/**
 * What a server closes when it stops, after its connections: the API registers its own shutdown here
 * (cancelling training runs cleanly, freeing loaded models) and the server awaits it.
 */
export class ApiLifecycle {
  private readonly closers: (() => Promise<void> | void)[] = [];
  private closing: Promise<void> | undefined;

  onClose(fn: () => Promise<void> | void): void {
    this.closers.push(fn);
  }

  /** Runs every closer once, last registered first; a failing one does not stop the others. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const fn of [...this.closers].reverse()) {
        try {
          await fn();
        } catch {
          // Shutting down anyway.
        }
      }
    })();
    return this.closing;
  }
}

/** Who listens to the API's events right now: the poller of the store works only while someone does. */
export interface Audience {
  count(): number;
  /** Called whenever the count changes; returns the unsubscribe function. */
  onChange(fn: (count: number) => void): () => void;
}

/** An audience whose size the server sets (a socket opened or closed, stdin still open or ended). */
export class CountedAudience implements Audience {
  private n = 0;
  private readonly listeners = new Set<(count: number) => void>();

  count(): number {
    return this.n;
  }

  set(count: number): void {
    if (count === this.n) return;
    this.n = count;
    for (const fn of [...this.listeners]) fn(count);
  }

  onChange(fn: (count: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

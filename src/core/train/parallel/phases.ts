/** Wall time split into named phases: `lap(name)` books the time since the previous lap to `name`. */
export class PhaseClock {
  private last = performance.now();
  readonly seconds: Record<string, number> = {};

  lap(name: string): void {
    const now = performance.now();
    this.seconds[name] = (this.seconds[name] ?? 0) + (now - this.last) / 1000;
    this.last = now;
  }
}

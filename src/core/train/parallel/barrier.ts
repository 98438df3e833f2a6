/*
 * A reusable barrier for worker threads over shared memory (Atomics), with an abort flag so that one failing
 * party releases the others instead of leaving them blocked: a waiter re-checks the flag at least once a
 * second, and `abort()` wakes every waiter at once.
 */

const COUNT = 0;
const GENERATION = 1;
const ABORTED = 2;
export const BARRIER_INTS = 4;

export class BarrierAbortedError extends Error {
  constructor() {
    super('another training worker failed');
    this.name = 'BarrierAbortedError';
  }
}

export class SharedBarrier {
  private readonly state: Int32Array;

  /** `buffer` holds at least BARRIER_INTS int32 words, zeroed before first use, shared by every party. */
  constructor(
    buffer: SharedArrayBuffer,
    private readonly parties: number,
  ) {
    this.state = new Int32Array(buffer, 0, BARRIER_INTS);
  }

  static allocate(): SharedArrayBuffer {
    return new SharedArrayBuffer(BARRIER_INTS * 4);
  }

  /** Blocks until every party has arrived; throws BarrierAbortedError once any party aborted. */
  arrive(): void {
    const s = this.state;
    this.check();
    const generation = Atomics.load(s, GENERATION);
    if (Atomics.add(s, COUNT, 1) === this.parties - 1) {
      Atomics.store(s, COUNT, 0);
      Atomics.add(s, GENERATION, 1);
      Atomics.notify(s, GENERATION);
    } else {
      while (Atomics.load(s, GENERATION) === generation) {
        this.check();
        Atomics.wait(s, GENERATION, generation, 1000);
      }
    }
    this.check();
  }

  /** Marks the barrier failed and wakes every waiter (safe from any thread, the main one included). */
  abort(): void {
    Atomics.store(this.state, ABORTED, 1);
    Atomics.notify(this.state, GENERATION);
  }

  get aborted(): boolean {
    return Atomics.load(this.state, ABORTED) !== 0;
  }

  private check(): void {
    if (this.aborted) throw new BarrierAbortedError();
  }
}

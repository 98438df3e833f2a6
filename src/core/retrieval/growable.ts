/** Append-only typed-array buffers (amortized doubling), for building postings while streaming. */
class Growable<T extends Uint32Array | Float32Array> {
  data: T;
  length = 0;
  constructor(
    private readonly make: (capacity: number) => T,
    capacity: number,
  ) {
    this.data = make(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

export class GrowableUint32 extends Growable<Uint32Array> {
  constructor(capacity = 1024) {
    super((n) => new Uint32Array(n), capacity);
  }
}

export class GrowableFloat32 extends Growable<Float32Array> {
  constructor(capacity = 1024) {
    super((n) => new Float32Array(n), capacity);
  }
}

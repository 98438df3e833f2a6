/**
 * Typed arrays over SharedArrayBuffer, so an index built once can be read by search worker threads
 * without a copy (plain ArrayBuffer where SharedArrayBuffer is unavailable).
 */
type TypedArrayCtor<T> = { new (buffer: ArrayBufferLike): T; BYTES_PER_ELEMENT: number };

export function sharedArray<T>(ctor: TypedArrayCtor<T>, length: number): T {
  const bytes = length * ctor.BYTES_PER_ELEMENT;
  return new ctor(typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

export function isShared(a: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;
}

/** `a` itself when already shared, else a shared copy. */
export function toShared<T extends Uint32Array | Int32Array | Float32Array | Float64Array>(a: T): T {
  if (isShared(a)) return a;
  const ctor = a.constructor as TypedArrayCtor<T>;
  const out = sharedArray(ctor, a.length);
  (out as unknown as { set(src: ArrayLike<number>): void }).set(a);
  return out;
}

import * as tf from '@tensorflow/tfjs-core';

interface HeapBackend {
  typedArrayFromHeap(t: { dataId: object; shape: number[]; dtype: tf.DataType }): Float32Array | Int32Array | Uint8Array;
}

function isHeapBackend(b: unknown): b is HeapBackend {
  return typeof (b as Partial<HeapBackend>).typedArrayFromHeap === 'function';
}

/**
 * The values of a float32 tensor without copying them where the backend allows it: on wasm, a view of the
 * wasm heap (read it at once — the next tfjs allocation may grow the heap and detach the view); elsewhere
 * `dataSync()`. Never write through the result.
 */
export function readFloat32(t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`readFloat32 needs a float32 tensor, got ${t.dtype}`);
  const backend = tf.backend();
  if (tf.getBackend() === 'wasm' && isHeapBackend(backend)) return backend.typedArrayFromHeap(t) as Float32Array;
  return t.dataSync() as Float32Array;
}

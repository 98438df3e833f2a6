import * as tf from '@tensorflow/tfjs-core';

/*
 * Kernel replacements for the wasm backend (tfjs 4.22), registered through tfjs's public kernel registry.
 *
 * Slice: the stock kernel reads its input with `readSync`, which copies the WHOLE input tensor out of the wasm
 * heap before taking the slice, so slicing 65 rows out of [1041, 384] costs a 1.6 MB copy and slicing a
 * chunk of the [30522, 128] decoder a 15.6 MB one. This version reads the input through a view of the heap
 * and copies only the sliced elements. Same result, element for element.
 *
 * GatherV2: the stock kernel checks every index through a closure and gathers element by element (4 ms for
 * 1,048 rows of 128 floats). This version copies whole rows for the common case — axis 0, no batch
 * dimensions — and leaves every other case to the stock kernel. Out-of-range indices are still refused.
 */

interface HeapTensorInfo {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): HeapTensorInfo;
  typedArrayFromHeap(t: HeapTensorInfo): Float32Array | Int32Array | Uint8Array;
}

let installed = false;

function sliceFromHeap(
  x: HeapTensorInfo,
  begin: number[],
  size: number[],
  backend: WasmBackendLike,
): HeapTensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const count = size.reduce((a, b) => a * b, 1);
  if (count === 0) return out;
  // Views are taken after makeOutput: a heap growth there would detach earlier views.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  const strides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1]! * x.shape[i + 1]!;
  if (rank === 0) {
    dst[0] = src[0]!;
    return out;
  }
  const inner = size[rank - 1]!;
  const rows = count / inner;
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let r = 0; r < rows; r++) {
    let offset = begin[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) offset += (begin[d]! + index[d]!) * strides[d]!;
    dst.set(src.subarray(offset, offset + inner), r * inner);
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d]! < size[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

function gatherRowsFromHeap(x: HeapTensorInfo, indices: HeapTensorInfo, backend: WasmBackendLike): HeapTensorInfo {
  const rows = x.shape[0]!;
  const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  const idx = backend.typedArrayFromHeap(indices);
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    if (!(r >= 0 && r < rows)) throw new Error(`GatherV2: the index value ${r} is not in [0, ${rows - 1}]`);
    dst.set(src.subarray(r * inner, (r + 1) * inner), i * inner);
  }
  return out;
}

/** Registers the replacements once, after the wasm backend has been registered. */
export function installWasmKernels(): void {
  if (installed) return;
  const stock = tf.getKernel('Slice', 'wasm');
  const stockGather = tf.getKernel('GatherV2', 'wasm');
  if (!stock || !stockGather) return;
  installed = true;
  tf.unregisterKernel('GatherV2', 'wasm');
  tf.registerKernel({
    kernelName: 'GatherV2',
    backendName: 'wasm',
    // The stock kernel stays the fallback and needs its own setup when a backend starts.
    setupFunc: stockGather.setupFunc,
    kernelFunc: (args) => {
      const x = args.inputs.x as unknown as HeapTensorInfo;
      const indices = args.inputs.indices as unknown as HeapTensorInfo;
      const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
      const rowsAxis = axis === 0 || (x.shape.length > 0 && axis === -x.shape.length);
      if (!rowsAxis || (batchDims ?? 0) !== 0 || x.dtype === 'string' || x.dtype === 'complex64' || indices.dtype !== 'int32') {
        return stockGather.kernelFunc(args);
      }
      return gatherRowsFromHeap(x, indices, args.backend as unknown as WasmBackendLike) as unknown as tf.TensorInfo;
    },
  });
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as unknown as HeapTensorInfo;
      if (x.dtype === 'string') return stock.kernelFunc(args);
      const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
      const [b, s] = tf.slice_util.parseSliceParams(x as unknown as tf.TensorInfo, begin, size);
      return sliceFromHeap(x, b, s, args.backend as unknown as WasmBackendLike) as unknown as tf.TensorInfo;
    },
  });
}

/** The WebAssembly API as used here (this project's TypeScript libs do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/**
 * A getter of the exports of a module whose bytes are embedded as base64 (scripts/build-wasm.mjs), compiled and
 * instantiated on first use: one instance per thread, its memory reused by every call.
 */
export function embeddedWasm<T>(base64: string): () => T {
  let exports: T | undefined;
  return () => {
    if (!exports) {
      const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
      exports = new wasm.Instance(new wasm.Module(Buffer.from(base64, 'base64')), {}).exports as T;
    }
    return exports;
  };
}

import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { installWasmKernels } from './wasm-kernels.ts';

/** Names as the user types them (`--backend`, `LSR_BACKEND`, the settings). */
export const BACKEND_PREFERENCE = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_PREFERENCE)[number];

export interface BackendReport {
  /** The backend in use, as the user names it. */
  name: BackendChoice;
  /** tfjs's own name for it (`tensorflow` for both native bindings). */
  tfjsName: string;
  /** Backends tried before it and why they were skipped. */
  skipped: { name: BackendChoice; reason: string }[];
  tfjsVersion: string;
}

const require = createRequire(import.meta.url);
let active: BackendReport | undefined;

export function isBackendChoice(value: string): value is BackendChoice {
  return (BACKEND_PREFERENCE as readonly string[]).includes(value);
}

/** Loading a native binding that then fails leaves tfjs warning once per kernel: keep that off stderr. */
function requireQuietly(id: string): void {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    require(id);
  } finally {
    console.warn = warn;
  }
}

async function tryLoad(name: BackendChoice): Promise<string> {
  switch (name) {
    case 'tensorflow-gpu':
      // The native bindings register a backend called `tensorflow` as a side effect of loading.
      requireQuietly('@tensorflow/tfjs-node-gpu');
      return 'tensorflow';
    case 'tensorflow':
      requireQuietly('@tensorflow/tfjs-node');
      return 'tensorflow';
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      wasm.setWasmPaths(path.join(dir, 'dist') + path.sep);
      return 'wasm';
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return 'cpu';
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 200);
}

/**
 * Selects the tensor backend: the one asked for (argument, then `LSR_BACKEND`), or the best that loads,
 * in the order tensorflow-gpu > tensorflow > wasm > cpu. A backend that fails to load is skipped with one
 * line in the report (and on stderr when `log` is given), never a crash — unless it was asked for by name.
 */
export async function selectBackend(
  requested?: string,
  log?: (line: string) => void,
): Promise<BackendReport> {
  const wanted = requested ?? process.env.LSR_BACKEND;
  if (active && (wanted === undefined || wanted === active.name)) return active;
  if (wanted !== undefined && wanted !== '' && wanted !== 'auto' && !isBackendChoice(wanted)) {
    throw new Error(`unknown backend "${wanted}" (choose one of ${BACKEND_PREFERENCE.join(', ')}, auto)`);
  }
  const order: BackendChoice[] =
    wanted && wanted !== 'auto' ? [wanted as BackendChoice] : [...BACKEND_PREFERENCE];
  const skipped: BackendReport['skipped'] = [];
  for (const name of order) {
    try {
      const tfjsName = await tryLoad(name);
      const ok = await tf.setBackend(tfjsName);
      if (!ok) throw new Error(`tfjs could not initialize the ${tfjsName} backend`);
      await tf.ready();
      if (tfjsName === 'wasm') installWasmKernels();
      active = { name, tfjsName, skipped, tfjsVersion: tf.version_core };
      return active;
    } catch (err) {
      const reason = firstLine(err);
      skipped.push({ name, reason });
      log?.(`backend ${name} unavailable: ${reason}`);
    }
  }
  throw new Error(
    `no tensor backend could be loaded: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}`,
  );
}

export function activeBackend(): BackendReport | undefined {
  return active;
}

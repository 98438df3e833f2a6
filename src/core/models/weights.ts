import { InputError } from '../errors.ts';
import type { RawTensor, WeightMap } from './types.ts';

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * The tensors of one checkpoint, handed out by name with their shape checked. Names follow the current
 * transformers naming; the TensorFlow-era `LayerNorm.gamma` / `LayerNorm.beta` are accepted for `.weight` /
 * `.bias` as transformers does when loading. Tensors nobody asks for (a pooler, a next-sentence head) are ignored.
 */
export class CheckpointWeights {
  private readonly taken = new Set<string>();

  constructor(
    readonly weights: WeightMap,
    /** The checkpoint file, for error messages. */
    readonly source: string,
  ) {}

  /** The stored name under which `name` exists, if any (legacy spellings included). */
  resolve(name: string): string | undefined {
    if (this.weights.has(name)) return name;
    const legacy = name.endsWith('.weight') ? `${name.slice(0, -7)}.gamma` : name.endsWith('.bias') ? `${name.slice(0, -5)}.beta` : undefined;
    return legacy !== undefined && this.weights.has(legacy) ? legacy : undefined;
  }

  has(name: string): boolean {
    return this.resolve(name) !== undefined;
  }

  /** The tensor `name` with exactly `shape`, or an InputError naming the tensor and both shapes. */
  take(name: string, shape: readonly number[]): RawTensor {
    const stored = this.resolve(name);
    if (stored === undefined) {
      throw new InputError(`missing tensor (expected shape ${shapeText(shape)})`, { file: this.source, field: name });
    }
    const t = this.weights.get(stored)!;
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new InputError(`expected shape ${shapeText(shape)}, got ${shapeText(t.shape)}`, { file: this.source, field: stored });
    }
    this.taken.add(stored);
    return t;
  }

  /** The first of `names` that exists (e.g. the two spellings of the BERT decoder bias), shape-checked. */
  takeFirst(names: readonly string[], shape: readonly number[]): RawTensor {
    for (const n of names) if (this.has(n)) return this.take(n, shape);
    throw new InputError(`missing tensor (expected shape ${shapeText(shape)}; also looked for ${names.slice(1).join(', ')})`, {
      file: this.source,
      field: names[0],
    });
  }

  /** Names present in the checkpoint that no builder asked for. */
  unused(): string[] {
    return [...this.weights.keys()].filter((n) => !this.taken.has(n));
  }
}

/** [rows, cols] row-major → [cols, rows] row-major. */
export function transposeData(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c]!;
  }
  return out;
}

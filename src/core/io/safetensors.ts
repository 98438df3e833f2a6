import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.ts';
import type { RawTensor, WeightMap } from '../models/types.ts';
import { bf16ToF32, f16ToF32, f32ToF16 } from './float16.ts';

/**
 * The safetensors format: an unsigned 64-bit little-endian header length N, N bytes of JSON
 * (`{"<name>": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__"?: {string: string}}`),
 * then the raw little-endian tensor bytes, offsets relative to the end of the header.
 */

const DTYPE_BYTES: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
};
const FLOAT_DTYPES = new Set(['F64', 'F32', 'F16', 'BF16']);
/** The format caps the header at 100 MB; anything larger is a corrupt length field. */
const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  file: string;
  entries: Map<string, SafetensorsEntry>;
  metadata: Record<string, string> | undefined;
}

export interface SafetensorsContents {
  tensors: WeightMap;
  metadata: Record<string, string> | undefined;
  /** Tensors left out because they are not floating point (e.g. an old `position_ids` buffer). */
  skipped: { name: string; dtype: string }[];
}

function assertLittleEndian(): void {
  if (os.endianness() !== 'LE') throw new Error('safetensors reading needs a little-endian machine');
}

function readExactly(fd: number, target: Uint8Array, position: number, file: string, field?: string): void {
  let done = 0;
  while (done < target.length) {
    const chunk = Math.min(target.length - done, 1 << 30);
    const n = fs.readSync(fd, target, done, chunk, position + done);
    if (n === 0) throw new InputError('file is truncated', { file, field });
    done += n;
  }
}

function parseEntry(name: string, raw: unknown, dataStart: number, dataSize: number, file: string): SafetensorsEntry {
  const bad = (msg: string): InputError => new InputError(`bad safetensors header entry: ${msg}`, { file, field: name });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('expected an object');
  const obj = raw as Record<string, unknown>;
  const dtype = obj.dtype;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) throw bad(`unknown dtype ${JSON.stringify(dtype)}`);
  const shape = obj.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw bad(`shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const offsets = obj.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0) ||
    (offsets[0] as number) > (offsets[1] as number)
  ) {
    throw bad(`data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  if (end - begin !== numel * DTYPE_BYTES[dtype]!) {
    throw bad(`data_offsets span ${end - begin} bytes but ${dtype} shape [${shape.join(', ')}] needs ${numel * DTYPE_BYTES[dtype]!}`);
  }
  if (end > dataSize) {
    throw new InputError(
      `file is truncated: tensor data ends at byte ${dataStart + end} but the file has ${dataStart + dataSize} bytes`,
      { file, field: name },
    );
  }
  return { name, dtype, shape: shape as number[], begin: dataStart + begin, end: dataStart + end };
}

function readHeaderFromFd(fd: number, file: string): SafetensorsHeader {
  const size = fs.fstatSync(fd).size;
  if (size < 8) throw new InputError(`file is truncated (${size} bytes, shorter than the 8-byte header length)`, { file });
  const lenBuf = Buffer.alloc(8);
  readExactly(fd, lenBuf, 0, file);
  const headerLen = Number(lenBuf.readBigUInt64LE(0));
  if (headerLen > MAX_HEADER_BYTES) throw new InputError(`bad safetensors header length ${headerLen} (not a safetensors file?)`, { file });
  if (8 + headerLen > size) {
    throw new InputError(`file is truncated: the header needs ${headerLen} bytes but only ${size - 8} follow`, { file });
  }
  const headerBuf = Buffer.alloc(headerLen);
  readExactly(fd, headerBuf, 8, file);
  let json: unknown;
  try {
    json = JSON.parse(headerBuf.toString('utf8'));
  } catch (err) {
    throw new InputError(`bad safetensors header: not valid JSON (${(err as Error).message})`, { file });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InputError('bad safetensors header: expected a JSON object', { file });
  }
  const dataStart = 8 + headerLen;
  const dataSize = size - dataStart;
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> | undefined;
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        throw new InputError('bad safetensors header: __metadata__ must be an object of strings', { file, field: name });
      }
      metadata = {};
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) metadata[k] = String(v);
      continue;
    }
    entries.set(name, parseEntry(name, raw, dataStart, dataSize, file));
  }
  return { file, entries, metadata };
}

/** Reads and validates the header only (names, dtypes, shapes, byte ranges). */
export function readSafetensorsHeader(file: string): SafetensorsHeader {
  const fd = openForReading(file);
  try {
    return readHeaderFromFd(fd, file);
  } finally {
    fs.closeSync(fd);
  }
}

function openForReading(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot open (${code ?? 'error'})`, { file });
  }
}

function readEntry(fd: number, entry: SafetensorsEntry, file: string): RawTensor {
  const numel = entry.shape.reduce((a, b) => a * b, 1);
  const bytes = entry.end - entry.begin;
  let data: Float32Array;
  switch (entry.dtype) {
    case 'F32': {
      data = new Float32Array(numel);
      readExactly(fd, new Uint8Array(data.buffer), entry.begin, file, entry.name);
      break;
    }
    case 'F64': {
      const wide = new Float64Array(numel);
      readExactly(fd, new Uint8Array(wide.buffer), entry.begin, file, entry.name);
      data = Float32Array.from(wide);
      break;
    }
    case 'F16':
    case 'BF16': {
      const bits = new Uint16Array(numel);
      readExactly(fd, new Uint8Array(bits.buffer, 0, bytes), entry.begin, file, entry.name);
      data = new Float32Array(numel);
      const convert = entry.dtype === 'F16' ? f16ToF32 : bf16ToF32;
      for (let i = 0; i < numel; i++) data[i] = convert(bits[i]!);
      break;
    }
    default:
      throw new InputError(`unsupported dtype ${entry.dtype} (expected F32, F16, BF16 or F64)`, { file, field: entry.name });
  }
  return { shape: [...entry.shape], data };
}

/**
 * Reads every floating-point tensor of a safetensors file as float32 (F16, BF16 and F64 converted).
 * `names`, when given, limits the read to those tensors; each must exist.
 */
export function readSafetensors(file: string, names?: Iterable<string>): SafetensorsContents {
  assertLittleEndian();
  const fd = openForReading(file);
  try {
    const header = readHeaderFromFd(fd, file);
    const tensors: WeightMap = new Map();
    const skipped: SafetensorsContents['skipped'] = [];
    const wanted = names ? [...names] : [...header.entries.keys()];
    for (const name of wanted) {
      const entry = header.entries.get(name);
      if (!entry) throw new InputError('tensor listed in the index is missing from this shard', { file, field: name });
      if (!FLOAT_DTYPES.has(entry.dtype)) {
        skipped.push({ name, dtype: entry.dtype });
        continue;
      }
      tensors.set(name, readEntry(fd, entry, file));
    }
    return { tensors, metadata: header.metadata, skipped };
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 30));
}

export type WritableDtype = 'F32' | 'F16';

export interface WriteSafetensorsOptions {
  dtype?: WritableDtype;
  /** Written as `__metadata__`; `format: "pt"` is always included (transformers refuses files without it). */
  metadata?: Record<string, string>;
}

/** Writes tensors (sorted by name) as a safetensors file, F32 or F16. The header is space-padded to 8 bytes. */
export function writeSafetensors(file: string, tensors: Iterable<[string, RawTensor]>, opts: WriteSafetensorsOptions = {}): void {
  assertLittleEndian();
  const dtype = opts.dtype ?? 'F32';
  const width = dtype === 'F32' ? 4 : 2;
  const list = [...tensors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', ...opts.metadata } };
  let offset = 0;
  for (const [name, t] of list) {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (numel !== t.data.length) throw new Error(`tensor ${name}: shape [${t.shape.join(', ')}] does not match ${t.data.length} values`);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + numel * width] };
    offset += numel * width;
  }
  let json = JSON.stringify(header);
  const pad = (8 - (Buffer.byteLength(json) % 8)) % 8;
  json += ' '.repeat(pad);
  const headerBuf = Buffer.from(json, 'utf8');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(headerBuf.length));
    writeAll(fd, len);
    writeAll(fd, headerBuf);
    for (const [, t] of list) {
      if (dtype === 'F32') {
        writeAll(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      } else {
        const bits = new Uint16Array(t.data.length);
        for (let i = 0; i < bits.length; i++) bits[i] = f32ToF16(t.data[i]!);
        writeAll(fd, new Uint8Array(bits.buffer));
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { bf16ToF32, f16ToF32, f32ToF16 } from '../../../src/core/io/float16.ts';
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from '../../../src/core/io/safetensors.ts';
import { readShardedSafetensors, writeShardedSafetensors } from '../../../src/core/io/safetensors-index.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lsr-st-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Builds a safetensors file byte by byte (independent of the writer under test). */
function handMade(header: Record<string, unknown>, data: Buffer, headerOverride?: string): Buffer {
  const json = Buffer.from(headerOverride ?? JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, data]);
}

function sample(): Buffer {
  const f32 = Buffer.alloc(8);
  f32.writeFloatLE(1.5, 0);
  f32.writeFloatLE(-2, 4);
  const f16 = Buffer.alloc(10);
  [0x3c00, 0xc000, 0x7bff, 0x0001, 0x3555].forEach((b, i) => f16.writeUInt16LE(b, i * 2));
  const bf16 = Buffer.alloc(4);
  bf16.writeUInt16LE(0x3f80, 0);
  bf16.writeUInt16LE(0x4049, 2);
  const i64 = Buffer.alloc(16);
  i64.writeBigInt64LE(0n, 0);
  i64.writeBigInt64LE(1n, 8);
  const header = {
    __metadata__: { format: 'pt' },
    'a.weight': { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    'b.half': { dtype: 'F16', shape: [5], data_offsets: [8, 18] },
    'c.brain': { dtype: 'BF16', shape: [1, 2], data_offsets: [18, 22] },
    'embeddings.position_ids': { dtype: 'I64', shape: [1, 2], data_offsets: [22, 38] },
  };
  return handMade(header, Buffer.concat([f32, f16, bf16, i64]));
}

function expectInputError(fn: () => unknown, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(InputError);
  for (const f of fragments) expect((caught as Error).message).toContain(f);
}

describe('float16 conversions', () => {
  it('decodes half and bfloat16 bit patterns', () => {
    expect(f16ToF32(0x3c00)).toBe(1);
    expect(f16ToF32(0xc000)).toBe(-2);
    expect(f16ToF32(0x7bff)).toBe(65504);
    expect(f16ToF32(0x0001)).toBe(2 ** -24);
    expect(f16ToF32(0x7c00)).toBe(Infinity);
    expect(f16ToF32(0xfc00)).toBe(-Infinity);
    expect(Number.isNaN(f16ToF32(0x7e00))).toBe(true);
    expect(bf16ToF32(0x3f80)).toBe(1);
    expect(bf16ToF32(0x4049)).toBe(3.140625);
  });

  it('encodes float32 to half with round-to-nearest-even', () => {
    expect(f32ToF16(1)).toBe(0x3c00);
    expect(f32ToF16(-2)).toBe(0xc000);
    expect(f32ToF16(1 / 3)).toBe(0x3555);
    expect(f32ToF16(1 + 2 ** -10)).toBe(0x3c01);
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(f32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even
    expect(f32ToF16(65504)).toBe(0x7bff);
    expect(f32ToF16(65520)).toBe(0x7c00); // rounds up to infinity
    expect(f32ToF16(2 ** -24)).toBe(0x0001);
    expect(f32ToF16(2 ** -25)).toBe(0x0000); // tie → even (zero)
    expect(f32ToF16(3 * 2 ** -25)).toBe(0x0002);
    expect(f32ToF16(2 ** -14)).toBe(0x0400); // smallest normal
    expect(f32ToF16(2 ** -14 - 2 ** -25)).toBe(0x0400); // subnormal rounding carries into the normal range
    expect(f32ToF16(Infinity)).toBe(0x7c00);
    expect(f32ToF16(NaN) & 0x7c00).toBe(0x7c00);
  });
});

describe('safetensors reader', () => {
  it('reads F32, F16 and BF16 as float32, keeps metadata, skips integer buffers', () => {
    const file = path.join(tmp, 'sample.safetensors');
    fs.writeFileSync(file, sample());
    const { tensors, metadata, skipped } = readSafetensors(file);
    expect(metadata).toEqual({ format: 'pt' });
    expect(Array.from(tensors.get('a.weight')!.data)).toEqual([1.5, -2]);
    expect(Array.from(tensors.get('b.half')!.data)).toEqual([1, -2, 65504, 2 ** -24, 0.333251953125]);
    expect(tensors.get('c.brain')!.shape).toEqual([1, 2]);
    expect(Array.from(tensors.get('c.brain')!.data)).toEqual([1, 3.140625]);
    expect(tensors.has('embeddings.position_ids')).toBe(false);
    expect(skipped).toEqual([{ name: 'embeddings.position_ids', dtype: 'I64' }]);
  });

  it('names the file and the tensor for a truncated file', () => {
    const file = path.join(tmp, 'truncated.safetensors');
    const full = sample();
    fs.writeFileSync(file, full.subarray(0, full.length - 20));
    expectInputError(() => readSafetensors(file), file, 'truncated', 'c.brain');
  });

  it('rejects a file cut inside its header, a bad header and offsets past the end', () => {
    const cut = path.join(tmp, 'cut.safetensors');
    fs.writeFileSync(cut, sample().subarray(0, 30));
    expectInputError(() => readSafetensorsHeader(cut), cut, 'truncated');

    const tiny = path.join(tmp, 'tiny.safetensors');
    fs.writeFileSync(tiny, Buffer.from([1, 2, 3]));
    expectInputError(() => readSafetensorsHeader(tiny), tiny, 'truncated');

    const notJson = path.join(tmp, 'notjson.safetensors');
    fs.writeFileSync(notJson, handMade({}, Buffer.alloc(0), '{"a": nope}'));
    expectInputError(() => readSafetensorsHeader(notJson), notJson, 'not valid JSON');

    const huge = path.join(tmp, 'huge.safetensors');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(1n << 40n);
    fs.writeFileSync(huge, Buffer.concat([len, Buffer.from('{}')]));
    expectInputError(() => readSafetensorsHeader(huge), huge, 'header length');

    const past = path.join(tmp, 'past.safetensors');
    fs.writeFileSync(past, handMade({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, Buffer.alloc(8)));
    expectInputError(() => readSafetensors(past), past, 'field "w"', 'truncated');

    const mismatch = path.join(tmp, 'mismatch.safetensors');
    fs.writeFileSync(mismatch, handMade({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, Buffer.alloc(8)));
    expectInputError(() => readSafetensors(mismatch), mismatch, 'field "w"', 'needs 12');

    const dtype = path.join(tmp, 'dtype.safetensors');
    fs.writeFileSync(dtype, handMade({ w: { dtype: 'F17', shape: [1], data_offsets: [0, 4] } }, Buffer.alloc(4)));
    expectInputError(() => readSafetensors(dtype), 'field "w"', 'unknown dtype');

    expectInputError(() => readSafetensors(path.join(tmp, 'absent.safetensors')), 'absent.safetensors', 'not found');
  });
});

describe('safetensors writer', () => {
  it('writes a header padded to 8 bytes with format pt and the exact bytes, F32 and F16', () => {
    const file = path.join(tmp, 'written.safetensors');
    const tensors = new Map([
      ['z.last', { shape: [1], data: Float32Array.of(0.1) }],
      ['a.first', { shape: [2, 2], data: Float32Array.of(1, 2, 3, 1 / 3) }],
    ]);
    writeSafetensors(file, tensors, { metadata: { note: 'x' } });
    const bytes = fs.readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString()) as Record<string, { data_offsets: number[] }>;
    expect(header.__metadata__).toEqual({ format: 'pt', note: 'x' });
    expect(header['a.first']).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });
    expect(header['z.last']).toEqual({ dtype: 'F32', shape: [1], data_offsets: [16, 20] });
    expect(bytes.readFloatLE(8 + n + 12)).toBe(Math.fround(1 / 3));
    expect(bytes.readFloatLE(8 + n + 16)).toBe(Math.fround(0.1));

    const half = path.join(tmp, 'half.safetensors');
    writeSafetensors(half, tensors, { dtype: 'F16' });
    const hb = fs.readFileSync(half);
    const hn = Number(hb.readBigUInt64LE(0));
    expect(JSON.parse(hb.subarray(8, 8 + hn).toString())['a.first']).toEqual({ dtype: 'F16', shape: [2, 2], data_offsets: [0, 8] });
    expect(hb.readUInt16LE(8 + hn + 6)).toBe(0x3555);
    expect(Array.from(readSafetensors(half).tensors.get('a.first')!.data)).toEqual([1, 2, 3, 0.333251953125]);
  });

  it('reads a sharded checkpoint through its index and reports a missing shard', () => {
    const dir = path.join(tmp, 'sharded');
    const tensors = new Map([
      ['a', { shape: [3], data: Float32Array.of(1, 2, 3) }],
      ['b', { shape: [2], data: Float32Array.of(4, 5) }],
      ['c', { shape: [1], data: Float32Array.of(6) }],
    ]);
    const files = writeShardedSafetensors(dir, tensors, 16);
    expect(files).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'model.safetensors.index.json'), 'utf8')) as { weight_map: Record<string, string> };
    expect(index.weight_map).toEqual({ a: files[0], b: files[1], c: files[1] });
    const read = readShardedSafetensors(path.join(dir, 'model.safetensors.index.json'));
    expect([...read.tensors.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(Array.from(read.tensors.get('c')!.data)).toEqual([6]);
    fs.rmSync(path.join(dir, files[1]!));
    expectInputError(() => readShardedSafetensors(path.join(dir, 'model.safetensors.index.json')), 'model.safetensors.index.json', files[1]!);
  });
});

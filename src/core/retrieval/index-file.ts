import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { InvertedIndex, type ImpactEncoding } from './inverted-index.ts';

/**
 * File layout (little-endian): the 8 bytes `LSRIDX01`, a uint32 header length, the JSON header (UTF-8,
 * padded with spaces to a multiple of 8 bytes), then the data region holding the sections the header lists
 * (offsets relative to the region's start, each 8-byte aligned):
 * `offsets` (uint32 × terms+1), `docs` (uint32 × postings), `impacts` (float32 or uint8 × postings).
 */
const MAGIC = 'LSRIDX01';
const FORMAT_VERSION = 1;

interface Section {
  name: 'offsets' | 'docs' | 'impacts';
  dtype: 'uint32' | 'float32' | 'uint8';
  offset: number;
  length: number;
}

interface IndexHeader {
  format: 'lsr-inverted-index';
  version: number;
  numDocs: number;
  numTerms: number;
  numPostings: number;
  encoding: ImpactEncoding;
  scale: number;
  docIds: string[];
  keys: string[];
  sections: Section[];
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

function checkEndianness(): void {
  if (os.endianness() !== 'LE') throw new Error('index files are little-endian; this machine is big-endian');
}

export async function saveIndex(index: InvertedIndex, file: string): Promise<void> {
  checkEndianness();
  const impacts =
    index.encoding === 'uint8' ? Uint8Array.from(index.impacts, (v) => Math.round(v / index.scale)) : index.impacts;
  const arrays: [Section['name'], Section['dtype'], ArrayBufferView][] = [
    ['offsets', 'uint32', index.offsets],
    ['docs', 'uint32', index.postingDocs],
    ['impacts', index.encoding === 'uint8' ? 'uint8' : 'float32', impacts],
  ];
  const header: IndexHeader = {
    format: 'lsr-inverted-index',
    version: FORMAT_VERSION,
    numDocs: index.numDocs,
    numTerms: index.numTerms,
    numPostings: index.numPostings,
    encoding: index.encoding,
    scale: index.scale,
    docIds: index.docIds,
    keys: index.vocab.keys,
    sections: [],
  };
  let pos = 0;
  header.sections = arrays.map(([name, dtype, a]) => {
    const sec = { name, dtype, offset: pos, length: a.byteLength };
    pos = align8(pos + a.byteLength);
    return sec;
  });
  const headerBytes = Buffer.from(JSON.stringify(header));
  const dataStart = align8(MAGIC.length + 4 + headerBytes.length);
  const prefix = Buffer.alloc(dataStart, 0x20);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(headerBytes.length, MAGIC.length);
  headerBytes.copy(prefix, MAGIC.length + 4);
  const tmp = `${file}.tmp-${process.pid}`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.write(prefix, 0, prefix.length, 0);
    for (let i = 0; i < arrays.length; i++) {
      const a = arrays[i]![2];
      await handle.write(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), 0, a.byteLength, dataStart + header.sections[i]!.offset);
    }
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}

export async function loadIndex(file: string): Promise<InvertedIndex> {
  checkEndianness();
  const buf = await fs.readFile(file);
  if (buf.length < 12 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new InputError('not an lsr index file (bad magic bytes)', { file });
  }
  const headerLength = buf.readUInt32LE(MAGIC.length);
  let header: IndexHeader;
  try {
    header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength)) as IndexHeader;
  } catch {
    throw new InputError('index header is not valid JSON', { file });
  }
  if (header.format !== 'lsr-inverted-index' || header.version !== FORMAT_VERSION) {
    throw new InputError(`unsupported index format ${header.format} v${header.version}`, { file });
  }
  const dataStart = align8(MAGIC.length + 4 + headerLength);
  const section = (name: Section['name']): Section => {
    const s = header.sections.find((x) => x.name === name);
    if (!s || dataStart + s.offset + s.length > buf.length) throw new InputError(`index section "${name}" is missing or truncated`, { file });
    return s;
  };
  // Copy each section into its own aligned buffer (Buffer.from of a file may share an unaligned pool).
  const bytes = (s: Section): ArrayBuffer => buf.buffer.slice(buf.byteOffset + dataStart + s.offset, buf.byteOffset + dataStart + s.offset + s.length) as ArrayBuffer;
  const offsets = new Uint32Array(bytes(section('offsets')));
  const postingDocs = new Uint32Array(bytes(section('docs')));
  const impSection = section('impacts');
  let impacts: Float32Array;
  if (impSection.dtype === 'uint8') {
    const q = new Uint8Array(bytes(impSection));
    impacts = new Float32Array(q.length);
    for (let i = 0; i < q.length; i++) impacts[i] = q[i]! * header.scale;
  } else {
    impacts = new Float32Array(bytes(impSection));
  }
  if (offsets.length !== header.numTerms + 1 || postingDocs.length !== header.numPostings || impacts.length !== header.numPostings) {
    throw new InputError('index sections do not match the header', { file });
  }
  return new InvertedIndex({
    docIds: header.docIds,
    keys: header.keys,
    offsets,
    postingDocs,
    impacts,
    encoding: header.encoding,
    scale: header.scale,
  });
}

export function defaultIndexPath(dir: string): string {
  return path.join(dir, 'index.lsridx');
}

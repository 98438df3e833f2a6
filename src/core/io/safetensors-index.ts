import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import type { WeightMap } from '../models/types.ts';
import { readSafetensors, writeSafetensors, type SafetensorsContents, type WritableDtype } from './safetensors.ts';

/** The file `save_pretrained` writes next to the shards of a large checkpoint. */
export const SAFETENSORS_INDEX = 'model.safetensors.index.json';

/**
 * Reads a sharded checkpoint: `model.safetensors.index.json` holds `{"metadata": {...}, "weight_map":
 * {"<tensor>": "<shard file>"}}`; every tensor is read from the shard the map names.
 */
export function readShardedSafetensors(indexFile: string): SafetensorsContents {
  let text: string;
  try {
    text = fs.readFileSync(indexFile, 'utf8');
  } catch {
    throw new InputError('file not found', { file: indexFile });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not valid JSON (${(err as Error).message})`, { file: indexFile });
  }
  const weightMap = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new InputError('expected an object mapping tensor names to shard files', { file: indexFile, field: 'weight_map' });
  }
  const byShard = new Map<string, string[]>();
  for (const [name, shard] of Object.entries(weightMap as Record<string, unknown>)) {
    if (typeof shard !== 'string' || shard === '' || shard.includes('..') || path.isAbsolute(shard)) {
      throw new InputError(`bad shard file name ${JSON.stringify(shard)}`, { file: indexFile, field: `weight_map.${name}` });
    }
    const list = byShard.get(shard) ?? [];
    list.push(name);
    byShard.set(shard, list);
  }
  const dir = path.dirname(indexFile);
  const tensors: WeightMap = new Map();
  const skipped: SafetensorsContents['skipped'] = [];
  let metadata: Record<string, string> | undefined;
  for (const [shard, names] of byShard) {
    const shardPath = path.join(dir, shard);
    if (!fs.existsSync(shardPath)) {
      throw new InputError(`shard ${shard} (holding ${names[0]}) is missing`, { file: indexFile, field: 'weight_map' });
    }
    const part = readSafetensors(shardPath, names);
    for (const [name, t] of part.tensors) tensors.set(name, t);
    skipped.push(...part.skipped);
    metadata ??= part.metadata;
  }
  return { tensors, metadata, skipped };
}

/**
 * Writes a sharded checkpoint the way `save_pretrained` names it (`model-00001-of-00003.safetensors`, plus the
 * index), splitting tensors in name order so that no shard exceeds `maxShardBytes` (a lone larger tensor gets
 * its own shard).
 */
export function writeShardedSafetensors(
  dir: string,
  tensors: WeightMap,
  maxShardBytes: number,
  dtype: WritableDtype = 'F32',
): string[] {
  const width = dtype === 'F32' ? 4 : 2;
  const names = [...tensors.keys()].sort();
  const shards: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const name of names) {
    const size = tensors.get(name)!.data.length * width;
    if (current.length > 0 && bytes + size > maxShardBytes) {
      shards.push(current);
      current = [];
      bytes = 0;
    }
    current.push(name);
    bytes += size;
  }
  if (current.length > 0) shards.push(current);
  const total = String(shards.length).padStart(5, '0');
  const weightMap: Record<string, string> = {};
  const files: string[] = [];
  let totalSize = 0;
  shards.forEach((shardNames, i) => {
    const file = `model-${String(i + 1).padStart(5, '0')}-of-${total}.safetensors`;
    writeSafetensors(path.join(dir, file), shardNames.map((n) => [n, tensors.get(n)!]), { dtype });
    for (const n of shardNames) {
      weightMap[n] = file;
      totalSize += tensors.get(n)!.data.length * width;
    }
    files.push(file);
  });
  fs.writeFileSync(
    path.join(dir, SAFETENSORS_INDEX),
    JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2) + '\n',
  );
  return files;
}

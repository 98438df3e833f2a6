import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.ts';

export const CONFIG_FILE = 'config.json';
export const WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';
const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt'];
const TOKENIZER_EXTRAS = ['tokenizer_config.json', 'special_tokens_map.json'];

/** What a masked-LM checkpoint needs from a repo listing; the shards of a sharded one come from its index. */
export interface FilePlan {
  /**
   * In fetch order: config, the tokenizer files present, then the weights file or its index. Weights last, so
   * a snapshot whose weights are all there (what the offline check looks at) got every other file first.
   */
  files: string[];
  /** Set when the weights are sharded: the index to read for the shard names. */
  index: string | undefined;
}

/**
 * Picks the files to fetch from a repo's file list. Refuses, before anything is downloaded, a repo that could
 * not be loaded: no config.json, no safetensors weights (PyTorch `.bin` only), or no tokenizer.
 */
export function planFiles(listing: readonly string[], repoLabel: string, field = 'model'): FilePlan {
  const present = new Set(listing);
  const refuse = (why: string): never => {
    throw new InputError(`${repoLabel}: ${why}`, { field });
  };
  if (!present.has(CONFIG_FILE)) refuse('the repository has no config.json');
  let weights: string;
  if (present.has(WEIGHTS_FILE)) weights = WEIGHTS_FILE;
  else if (present.has(WEIGHTS_INDEX_FILE)) weights = WEIGHTS_INDEX_FILE;
  else return refuse(missingWeightsReason(listing));
  if (!TOKENIZER_FILES.some((f) => present.has(f))) refuse('the repository has neither tokenizer.json nor vocab.txt');
  const tokenizer = [...TOKENIZER_FILES, ...TOKENIZER_EXTRAS].filter((f) => present.has(f));
  return { files: [CONFIG_FILE, ...tokenizer, weights], index: weights === WEIGHTS_INDEX_FILE ? weights : undefined };
}

function missingWeightsReason(files: readonly string[]): string {
  const torch = files.filter((f) => /(^|\/)pytorch_model(-\d+-of-\d+)?\.bin(\.index\.json)?$/.test(f));
  if (torch.length > 0) {
    return (
      `the repository has only PyTorch weights (${torch.join(', ')}) and no model.safetensors; ` +
      'this program reads safetensors only (pick a revision that has model.safetensors, or convert the checkpoint)'
    );
  }
  return 'the repository has no model.safetensors (nor model.safetensors.index.json)';
}

/** The distinct shard files named by a `model.safetensors.index.json` `weight_map`, in first-seen order. */
export function shardsFromIndex(text: string, indexFile: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not valid JSON (${(err as Error).message})`, { file: indexFile });
  }
  const weightMap = (parsed as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new InputError('expected an object mapping tensor names to shard files', { file: indexFile, field: 'weight_map' });
  }
  const shards: string[] = [];
  for (const [tensor, shard] of Object.entries(weightMap)) {
    if (typeof shard !== 'string' || shard === '' || shard.startsWith('/') || shard.split('/').includes('..')) {
      throw new InputError(`bad shard file name for tensor "${tensor}"`, { file: indexFile, field: 'weight_map' });
    }
    if (!shards.includes(shard)) shards.push(shard);
  }
  if (shards.length === 0) throw new InputError('names no shard files', { file: indexFile, field: 'weight_map' });
  return shards;
}

/**
 * What a snapshot folder still lacks to be loaded (empty when complete), judged from the folder alone; used
 * when the hub cannot be asked for the file list (offline).
 */
export async function missingFromSnapshot(folder: string): Promise<string[]> {
  const has = async (f: string): Promise<boolean> => {
    try {
      return (await fs.stat(path.join(folder, ...f.split('/')))).isFile();
    } catch {
      return false;
    }
  };
  const missing: string[] = [];
  if (!(await has(CONFIG_FILE))) missing.push(CONFIG_FILE);
  if (!(await has(WEIGHTS_FILE))) {
    if (await has(WEIGHTS_INDEX_FILE)) {
      const indexPath = path.join(folder, WEIGHTS_INDEX_FILE);
      for (const shard of shardsFromIndex(await fs.readFile(indexPath, 'utf8'), indexPath)) {
        if (!(await has(shard))) missing.push(shard);
      }
    } else if (await has('pytorch_model.bin')) {
      missing.push(`${WEIGHTS_FILE} (the cached snapshot holds only pytorch_model.bin, which is not read)`);
    } else {
      missing.push(`${WEIGHTS_FILE} (or ${WEIGHTS_INDEX_FILE} and its shards)`);
    }
  }
  if (!(await has('tokenizer.json')) && !(await has('vocab.txt'))) missing.push('tokenizer.json or vocab.txt');
  return missing;
}

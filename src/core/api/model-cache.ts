import { loadMaskedLm, readModelConfig } from '../models/load.ts';
import type { MaskedLmModel } from '../models/types.ts';
import { SpladeEncoder } from '../splade/encoder.ts';
import { rescaleHead } from '../splade/rescale.ts';
import { selectBackend } from '../tensor/backend.ts';
import { loadTokenizer } from '../tokenize/load-tokenizer.ts';
import type { TextTokenizer } from '../tokenize/text-tokenizer.ts';

/** A model ready to encode: its head divided by `k` (1: as stored). */
export interface LoadedModel {
  folder: string;
  k: number;
  model: MaskedLmModel;
  tokenizer: TextTokenizer;
  encoder: SpladeEncoder;
}

export type ModelLoader = (folder: string, k: number) => Promise<LoadedModel>;

/** Loads from a Hugging Face folder on the workspace's tensor backend (the best that loads, or LSR_BACKEND). */
export const loadForEncoding: ModelLoader = async (folder, k) => {
  // The tokenizer first: a missing one is reported before a large checkpoint is read.
  const tokenizer = await loadTokenizer(folder, readModelConfig(folder));
  await selectBackend();
  const model = loadMaskedLm(folder);
  try {
    rescaleHead(model, k, 'k');
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { folder, k, model, tokenizer, encoder: new SpladeEncoder(model, tokenizer, { batchSize: 16 }) };
};

interface Entry {
  loading: Promise<LoadedModel>;
  users: number;
  evicted: boolean;
}

/**
 * The models the API process keeps loaded, keyed by folder and k, least recently used evicted first. An
 * evicted model is disposed as soon as no call uses it any more.
 */
export class ModelCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly capacity = 4,
    private readonly load: ModelLoader = loadForEncoding,
  ) {}

  /** Runs `fn` with the model, loading it first if needed; the model stays alive until `fn` settles. */
  async use<T>(folder: string, k: number, fn: (loaded: LoadedModel) => Promise<T>): Promise<T> {
    const key = `${k}\u0000${folder}`;
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else {
      entry = { loading: this.load(folder, k), users: 0, evicted: false };
      // A failed load is not kept: the next call tries again.
      entry.loading.catch(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      });
    }
    this.entries.set(key, entry);
    entry.users++;
    this.evict();
    try {
      return await fn(await entry.loading);
    } finally {
      entry.users--;
      if (entry.evicted && entry.users === 0) dispose(entry);
    }
  }

  /** Folder and k of what is held, most recently used last. */
  keys(): { folder: string; k: number }[] {
    return [...this.entries.keys()].map((key) => {
      const [k, folder] = key.split('\u0000');
      return { folder: folder!, k: Number(k) };
    });
  }

  clear(): void {
    for (const [key, entry] of [...this.entries]) this.drop(key, entry);
  }

  private evict(): void {
    while (this.entries.size > this.capacity) {
      const [key, entry] = this.entries.entries().next().value as [string, Entry];
      this.drop(key, entry);
    }
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    entry.evicted = true;
    if (entry.users === 0) dispose(entry);
  }
}

function dispose(entry: Entry): void {
  entry.loading.then(
    (loaded) => loaded.model.dispose(),
    () => {},
  );
}

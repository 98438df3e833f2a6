import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { docText, readBeirLines } from './dataset-folder.ts';
import { CORPUS_FILE, QUERIES_FILE } from './dataset-writer.ts';

export interface DatasetItem {
  id: string;
  /** A query's text, or a document's title and text as one passage (as the models see it). */
  text: string;
}

export interface DatasetItemsQuery {
  kind: 'query' | 'document';
  /** Case-insensitive substring of the id or the text; empty: everything. */
  search?: string;
  limit: number;
}

/**
 * The first `limit` queries or documents of a BEIR folder that match `search`, in file order, read as a
 * stream (a large corpus is not loaded). `more` says whether another match follows.
 */
export async function readDatasetItems(folder: string, query: DatasetItemsQuery): Promise<{ items: DatasetItem[]; more: boolean }> {
  const file = path.join(folder, query.kind === 'query' ? QUERIES_FILE : CORPUS_FILE);
  if (!fs.existsSync(file)) throw new InputError('missing (not a BEIR dataset folder?)', { file });
  const needle = (query.search ?? '').trim().toLowerCase();
  const items: DatasetItem[] = [];
  // Browsing reads only up to the page asked for, so a repeated id further down is not looked for.
  for await (const r of readBeirLines(file, query.kind, { has: () => false })) {
    const itemText = docText(r);
    if (needle !== '' && !r.id.toLowerCase().includes(needle) && !itemText.toLowerCase().includes(needle)) continue;
    if (items.length === query.limit) return { items, more: true };
    items.push({ id: r.id, text: itemText });
  }
  return { items, more: false };
}

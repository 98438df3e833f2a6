import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { docText } from './dataset-folder.ts';
import { CORPUS_FILE, QUERIES_FILE } from './dataset-writer.ts';
import { readLines } from './read-lines.ts';

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
  for await (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      throw new InputError('not valid JSON', { file, line });
    }
    const record = obj as Record<string, unknown>;
    const id = typeof record._id === 'string' || typeof record._id === 'number' ? String(record._id) : undefined;
    if (id === undefined || typeof record.text !== 'string') throw new InputError('expected _id and text', { file, line });
    const itemText = query.kind === 'query' ? record.text : docText({ title: typeof record.title === 'string' ? record.title : '', text: record.text });
    if (needle !== '' && !id.toLowerCase().includes(needle) && !itemText.toLowerCase().includes(needle)) continue;
    if (items.length === query.limit) return { items, more: true };
    items.push({ id, text: itemText });
  }
  return { items, more: false };
}

export interface DictIndexEntry {
  headword: string;
  offset: number;
  length: number;
}
export function decodeDictNumber(text: string): number;
export function parseDictIndex(text: string, file?: string): DictIndexEntry[];
export function devilEntryLines(headword: string, entryText: string): string[];
export function parseDevilDictionary(dictBytes: Uint8Array, indexText: string, indexFile?: string): string[];

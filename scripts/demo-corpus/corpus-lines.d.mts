export interface TextStats {
  lines: number;
  characters: number;
  words: number;
}
export interface SourceLines {
  lines: string[];
}
export function normalizeLine(text: string): string;
export function detokenizePunctuation(text: string): string;
export function capitalizeFirst(text: string): string;
export function endSentence(text: string): string;
export function isProse(text: string, minWords?: number): boolean;
export function stripShortTag(text: string): string;
export function countWords(text: string): number;
export function countChars(text: string): number;
export function dedupeSources<T extends SourceLines>(sources: T[]): (T & { duplicates: number })[];
export function heldoutKey(seed: string, line: string): string;
export function selectHeldout(lines: string[], seed: string, fraction: number): Set<number>;
export function textStats(lines: string[]): TextStats;

export function splitGloss(gloss: string): string[];
export function glossToText(gloss: string): string;
export function lemmaText(word: string): string;
export function parseWordnetLine(line: string): string | null;
export function parseWordnetData(text: string, file?: string): string[];

export function cleanJargonParagraph(text: string): string;
export function parseJargon(text: string): string[];

export interface SmartRecord {
  id: string;
  fields: Record<string, string>;
}
export function parseSmart(text: string, file?: string): SmartRecord[];
export function smartDocumentLines(records: SmartRecord[]): string[];

import { InputError } from '../errors.ts';
import { readLines } from '../data/read-lines.ts';

/** Relevance judgements: query id → document id → grade (an integer; > 0 counts as relevant). */
export type Qrels = Map<string, Map<string, number>>;

const INTEGER = /^[+-]?\d+$/;

/**
 * Parses one qrels line in TREC form (`qid iter docid rel`) or BEIR form (`query-id corpus-id score`),
 * whitespace- or tab-separated. Returns undefined for a blank line; throws InputError for anything else
 * that is not a judgement. A BEIR header line is recognised by the caller (see readQrels).
 */
export function parseQrelsLine(text: string, file: string, line: number): [string, string, number] | undefined {
  const cols = text.trim().split(/\s+/);
  if (cols.length === 1 && cols[0] === '') return undefined;
  let qid: string, docid: string, rel: string;
  if (cols.length === 4) [qid, , docid, rel] = cols as [string, string, string, string];
  else if (cols.length === 3) [qid, docid, rel] = cols as [string, string, string];
  else {
    throw new InputError(`expected "qid 0 docid rel" (TREC) or "query-id corpus-id score" (BEIR), got ${cols.length} columns`, {
      file,
      line,
    });
  }
  if (!INTEGER.test(rel)) throw new InputError(`relevance "${rel}" is not an integer`, { file, line, field: 'rel' });
  return [qid, docid, Number(rel)];
}

/** A BEIR qrels header such as `query-id\tcorpus-id\tscore`: three columns, the last one not a number. */
export function isQrelsHeader(text: string): boolean {
  const cols = text.trim().split(/\s+/);
  return cols.length === 3 && !INTEGER.test(cols[2]!);
}

/** Adds one judgement; a second judgement of the same pair is an error, as in trec_eval. */
export function addJudgement(qrels: Qrels, qid: string, docid: string, rel: number, file: string, line: number): void {
  let docs = qrels.get(qid);
  if (!docs) {
    docs = new Map();
    qrels.set(qid, docs);
  }
  if (docs.has(docid)) throw new InputError(`duplicate judgement of document "${docid}" for query "${qid}"`, { file, line });
  docs.set(docid, rel);
}

/** Reads qrels in TREC or BEIR form (a BEIR header on the first non-blank line is skipped). */
export async function readQrels(file: string): Promise<Qrels> {
  const qrels: Qrels = new Map();
  let first = true;
  for await (const { text, line } of readLines(file)) {
    if (first && text.trim() !== '') {
      first = false;
      if (isQrelsHeader(text)) continue;
    }
    const parsed = parseQrelsLine(text, file, line);
    if (parsed) addJudgement(qrels, parsed[0], parsed[1], parsed[2], file, line);
  }
  return qrels;
}

/** BEIR qrels text (`query-id\tcorpus-id\tscore` header, tab-separated), queries and documents in insertion order. */
export function formatBeirQrels(qrels: Qrels): string {
  const lines = ['query-id\tcorpus-id\tscore'];
  for (const [qid, docs] of qrels) for (const [docid, rel] of docs) lines.push(`${qid}\t${docid}\t${rel}`);
  return lines.join('\n') + '\n';
}

/** TREC qrels text (`qid 0 docid rel`). */
export function formatTrecQrels(qrels: Qrels): string {
  const lines: string[] = [];
  for (const [qid, docs] of qrels) for (const [docid, rel] of docs) lines.push(`${qid} 0 ${docid} ${rel}`);
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

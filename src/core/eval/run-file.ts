import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import { InputError } from '../errors.ts';
import { readLines } from '../data/read-lines.ts';

/** One retrieved document of a query. */
export interface ScoredDoc {
  docid: string;
  score: number;
}

/** A run: query id → retrieved documents (in file order; evaluation re-sorts them as trec_eval does). */
export type Run = Map<string, ScoredDoc[]>;

/** Reads a TREC run file (`qid Q0 docid rank score tag`); the rank column is ignored, as in trec_eval. */
export async function readRun(file: string): Promise<Run> {
  const run: Run = new Map();
  const seen = new Map<string, Set<string>>();
  for await (const { text, line } of readLines(file)) {
    const cols = text.trim().split(/\s+/);
    if (cols.length === 1 && cols[0] === '') continue;
    if (cols.length !== 6) throw new InputError(`expected "qid Q0 docid rank score tag", got ${cols.length} columns`, { file, line });
    const [qid, , docid, , scoreText] = cols as [string, string, string, string, string, string];
    const score = Number(scoreText);
    if (scoreText === '' || !Number.isFinite(score)) {
      throw new InputError(`score "${scoreText}" is not a finite number`, { file, line, field: 'score' });
    }
    let docs = seen.get(qid);
    if (!docs) {
      docs = new Set();
      seen.set(qid, docs);
      run.set(qid, []);
    }
    if (docs.has(docid)) throw new InputError(`document "${docid}" retrieved twice for query "${qid}"`, { file, line });
    docs.add(docid);
    run.get(qid)!.push({ docid, score });
  }
  return run;
}

/**
 * Formats a score so that reading it back gives the same double (shortest round-trip form), keeping the
 * order trec_eval sees identical to the order the run was written in.
 */
export function formatScore(score: number): string {
  return String(score);
}

/** TREC run lines for one query, ranks from 1 in the given order. */
export function formatRunLines(qid: string, docs: readonly ScoredDoc[], tag: string): string {
  let out = '';
  for (let i = 0; i < docs.length; i++) out += `${qid} Q0 ${docs[i]!.docid} ${i + 1} ${formatScore(docs[i]!.score)} ${tag}\n`;
  return out;
}

/** Writes a whole run as a TREC run file. */
export async function writeRun(file: string, run: Run, tag = 'lsr'): Promise<void> {
  const out = fs.createWriteStream(file);
  for (const [qid, docs] of run) {
    if (!out.write(formatRunLines(qid, docs, tag))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.end();
  await finished(out);
}

import { createHash } from 'node:crypto';
import { SeededRandom } from '../data/seeded-rng.ts';
import type { TrainingExample } from '../data/training-examples.ts';

/**
 * How the demo turns Cranfield into a training/test collection (scripts/demo/build-collections.ts writes
 * the result into resources/demo/collections/). Pure functions, so the choices are testable.
 */

/** Seed of the query split; changing it changes the committed collection. */
export const CRANFIELD_SPLIT_SEED = 'lsr-demo-cranfield-split-v1';
/** Queries held out for testing; the other 125 of the 225 are training queries. */
export const CRANFIELD_TEST_QUERIES = 100;
/** Seed of the sampled negatives of the training examples. */
export const CRANFIELD_NEGATIVES_SEED = 20240607;
export const CRANFIELD_NEGATIVES_PER_EXAMPLE = 2;

/**
 * A fixed, seeded split: queries ordered by sha256(seed + "\n" + id), the first `testCount` are the test
 * queries. Unlike a split by position, it does not follow the order in which the queries were collected;
 * unlike an RNG shuffle, it does not depend on the order the ids are given in. Both parts keep `ids` order.
 */
export function splitQueries(ids: readonly string[], testCount: number, seed = CRANFIELD_SPLIT_SEED): { train: string[]; test: string[] } {
  if (new Set(ids).size !== ids.length) throw new Error('query ids must be distinct');
  if (!Number.isInteger(testCount) || testCount < 0 || testCount > ids.length) throw new Error(`cannot hold out ${testCount} of ${ids.length} queries`);
  const key = (id: string) => createHash('sha256').update(`${seed}\n${id}`).digest('hex');
  const ranked = [...ids].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const test = new Set(ranked.slice(0, testCount));
  return { train: ids.filter((id) => !test.has(id)), test: ids.filter((id) => test.has(id)) };
}

/**
 * Cranfield's relevance codes (cranqrel.readme, Cleverdon): 1 = a complete answer, 2 = high relevance,
 * 3 = useful background, 4 = minimum interest; -1 = of no interest. nDCG (trec_eval) takes the grade as the
 * gain and counts grade > 0 as relevant, so the codes are turned around: gain = 5 - code (1 → 4 … 4 → 1),
 * and -1 → 0 (judged, not relevant).
 */
export function cranfieldGain(code: number): number {
  if (code === -1) return 0;
  if (Number.isInteger(code) && code >= 1 && code <= 4) return 5 - code;
  throw new Error(`unknown Cranfield relevance code ${code} (expected -1 or 1..4)`);
}

/** Training positives: codes 1-3 (gain ≥ 2). Code 4 ("minimum interest") is too weak to teach relevance. */
export function isTrainingPositive(gain: number): boolean {
  return gain >= 2;
}

/**
 * Cranfield's abstracts begin with the title (1396 of 1400 documents do). The BEIR corpus keeps the title in
 * `title` and the rest in `text`, so title + text is the original document; a title pair then asks for an
 * abstract that does not simply repeat it.
 */
export function stripRepeatedTitle(title: string, text: string): string {
  const t = title.trim();
  if (t === '' || !text.startsWith(t)) return text;
  const rest = text.slice(t.length).trim();
  return rest === '' ? text : rest;
}

export interface DemoDoc {
  title: string;
  text: string;
}

export interface CranfieldTrainingInput {
  /** Document id → title and text (text without the repeated title), in corpus order. */
  corpus: ReadonlyMap<string, DemoDoc>;
  queries: ReadonlyMap<string, string>;
  /** Training queries' judgements: query id → document id → gain (cranfieldGain). */
  qrels: ReadonlyMap<string, ReadonlyMap<string, number>>;
  negatives: number;
  seed: number;
}

/** The passage a model sees for a document: title and text, as the trainer and BM25 join them. */
export function passage(doc: DemoDoc): string {
  return doc.title === '' ? doc.text : `${doc.title} ${doc.text}`;
}

/**
 * Training examples, in this order:
 * 1. each (training query, judged document with a training-positive gain) in qrels order; the positive is
 *    the document's passage, negatives are passages of other documents, never one judged for that query;
 * 2. each document with a title: query = the title, positive = the abstract without it, negatives =
 *    abstracts of other documents (the same form as the positive, so form gives nothing away).
 * Negatives are drawn uniformly without replacement within an example by one seeded generator.
 */
export function cranfieldTrainingExamples(input: CranfieldTrainingInput): TrainingExample[] {
  const rng = new SeededRandom(input.seed);
  const ids = [...input.corpus.keys()];
  const draw = (exclude: ReadonlySet<string>): string[] => {
    const chosen: string[] = [];
    const wanted = Math.min(input.negatives, ids.length - exclude.size);
    while (chosen.length < wanted) {
      const id = ids[rng.int(ids.length)]!;
      if (!exclude.has(id) && !chosen.includes(id)) chosen.push(id);
    }
    return chosen;
  };
  const out: TrainingExample[] = [];
  for (const [qid, judged] of input.qrels) {
    const query = input.queries.get(qid);
    if (query === undefined) continue;
    const exclude = new Set([...judged.keys()].filter((d) => input.corpus.has(d)));
    for (const [docid, gain] of judged) {
      const doc = input.corpus.get(docid);
      if (!isTrainingPositive(gain) || doc === undefined) continue;
      const negativeIds = draw(exclude);
      out.push({
        query,
        positive: passage(doc),
        negatives: negativeIds.map((id) => passage(input.corpus.get(id)!)),
        queryId: qid,
        positiveId: docid,
        negativeIds,
      });
    }
  }
  for (const [docid, doc] of input.corpus) {
    if (doc.title.trim() === '' || doc.text.trim() === '') continue;
    const negativeIds = draw(new Set([docid]));
    out.push({
      query: doc.title,
      positive: doc.text,
      negatives: negativeIds.map((id) => input.corpus.get(id)!.text),
      queryId: `title:${docid}`,
      positiveId: docid,
      negativeIds,
    });
  }
  return out;
}

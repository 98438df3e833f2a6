import { InputError } from '../errors.ts';
import { Rng } from '../train/rng.ts';
import { readJsonObjects, type JsonObject } from './json-objects.ts';

/**
 * One training example, as stored in a dataset's `train-triples.jsonl`: texts, plus the ids when known,
 * and optional teacher scores (scores[0] for the positive, scores[1 + i] for negatives[i]).
 */
export interface TrainingExample {
  query: string;
  positive: string;
  negatives: string[];
  scores?: number[];
  queryId?: string;
  positiveId?: string;
  negativeIds?: string[];
}

/** Validates one parsed `train-triples.jsonl` object; throws InputError naming the field. */
export function validateTrainingExample(o: JsonObject, file: string, line: number): TrainingExample {
  const str = (field: string): string => {
    if (typeof o[field] !== 'string') throw new InputError('expected a string', { file, line, field });
    return o[field] as string;
  };
  const strings = (field: string): string[] => {
    const v = o[field];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new InputError('expected an array of strings', { file, line, field });
    return v as string[];
  };
  const example: TrainingExample = { query: str('query'), positive: str('positive'), negatives: strings('negatives') };
  if (o.scores !== undefined) {
    const s = o.scores;
    if (!Array.isArray(s) || s.length !== example.negatives.length + 1 || s.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw new InputError('expected one finite number for the positive and one per negative', { file, line, field: 'scores' });
    }
    example.scores = s as number[];
  }
  if (o.queryId !== undefined) example.queryId = str('queryId');
  if (o.positiveId !== undefined) example.positiveId = str('positiveId');
  if (o.negativeIds !== undefined) example.negativeIds = strings('negativeIds');
  return example;
}

/** Streams the examples of a `train-triples.jsonl` file (strict: a bad line is an InputError). */
export async function* readTrainingExamples(file: string): AsyncGenerator<TrainingExample> {
  for await (const { obj, line } of readJsonObjects(file)) yield validateTrainingExample(obj, file, line);
}

export interface QrelsExampleSource {
  /** Document id → text (title and body already joined as the trainer wants them). */
  corpus: ReadonlyMap<string, string>;
  queries: ReadonlyMap<string, string>;
  /** query id → document id → grade. */
  qrels: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export interface QrelsExampleOptions {
  /** Negatives per example (default 1). */
  negatives?: number;
  seed: number;
}

/**
 * Training examples when a dataset has no triples: one example per (query, relevant document) pair
 * (grade > 0) whose query and document texts exist, in qrels order; negatives drawn uniformly from the
 * corpus, without replacement within an example, excluding every document judged for that query (so a
 * judged non-relevant or relevant document is never used as a random negative). Same seed, same examples.
 */
export function* trainingExamplesFromQrels(source: QrelsExampleSource, options: QrelsExampleOptions): Generator<TrainingExample> {
  const rng = Rng.forStream(options.seed, 'qrels-negatives');
  const perExample = options.negatives ?? 1;
  const docIds = [...source.corpus.keys()];
  for (const [qid, judged] of source.qrels) {
    const query = source.queries.get(qid);
    if (query === undefined) continue;
    const available = docIds.length - [...judged.keys()].filter((d) => source.corpus.has(d)).length;
    const wanted = Math.min(perExample, available);
    for (const [docid, rel] of judged) {
      if (!(rel > 0)) continue;
      const positive = source.corpus.get(docid);
      if (positive === undefined) continue;
      const chosen = new Set<string>();
      // Rejection sampling: cheap while judged documents are a small part of the corpus, as in practice.
      let attempts = 0;
      while (chosen.size < wanted && attempts < 100 * (wanted + 10)) {
        attempts++;
        const candidate = docIds[rng.int(docIds.length)]!;
        if (!judged.has(candidate)) chosen.add(candidate);
      }
      const negativeIds = [...chosen];
      yield {
        query,
        positive,
        negatives: negativeIds.map((id) => source.corpus.get(id)!),
        queryId: qid,
        positiveId: docid,
        negativeIds,
      };
    }
  }
}

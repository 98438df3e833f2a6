import type { Qrels } from './qrels.ts';
import type { Run, ScoredDoc } from './run-file.ts';

/** Per-query effectiveness, under the names users know (CONTRACT.md `lsr metrics`). */
export interface QueryMetrics {
  'ndcg@10': number;
  'mrr@10': number;
  'recall@100': number;
  'recall@1000': number;
  map: number;
}

export type MetricName = keyof QueryMetrics;
export const METRIC_NAMES: readonly MetricName[] = ['ndcg@10', 'mrr@10', 'recall@100', 'recall@1000', 'map'];

/** Means over the evaluated queries plus their number. */
export type AggregateMetrics = QueryMetrics & { queries: number };

export interface Evaluation {
  metrics: AggregateMetrics;
  /** Query id → its values, for every evaluated query (so runs can be compared query by query). */
  perQuery: Map<string, QueryMetrics>;
}

/**
 * trec_eval's result order: score descending, ties broken by document id descending (it compares docnos
 * with strcmp; JavaScript's `<` on strings agrees for every id outside the astral planes).
 */
export function compareTrecOrder(a: ScoredDoc, b: ScoredDoc): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.docid < b.docid ? 1 : a.docid > b.docid ? -1 : 0;
}

/**
 * One query, as trec_eval 9.0.x computes `ndcg_cut.10`, `recip_rank` (on the run cut at 10),
 * `recall.100`, `recall.1000` and `map`:
 * - relevant means grade ≥ 1; a judged document with a negative grade counts as unjudged (gain 0, and it
 *   is left out of the ideal ranking), as trec_eval does;
 * - nDCG gains are the grades, the discount of rank r (from 1) is log2(r + 1), and the ideal DCG
 *   ranks every judged document with a positive grade by grade.
 * Returns undefined when the query has no relevant document (such queries are not averaged).
 */
export function evaluateQuery(judged: ReadonlyMap<string, number>, retrieved: readonly ScoredDoc[]): QueryMetrics | undefined {
  let numRel = 0;
  const gains: number[] = [];
  for (const rel of judged.values()) {
    if (rel >= 1) numRel++;
    if (rel > 0) gains.push(rel);
  }
  if (numRel === 0) return undefined;

  const ranked = [...retrieved].sort(compareTrecOrder);
  let dcg = 0;
  let firstRelRank = 0;
  let relRet = 0;
  let relRet100 = 0;
  let relRet1000 = 0;
  let precisionSum = 0;
  for (let i = 0; i < ranked.length; i++) {
    const rel = judged.get(ranked[i]!.docid) ?? 0;
    if (i < 10 && rel > 0) dcg += rel / Math.log2(i + 2);
    if (rel >= 1) {
      relRet++;
      if (firstRelRank === 0) firstRelRank = i + 1;
      if (i < 100) relRet100++;
      if (i < 1000) relRet1000++;
      precisionSum += relRet / (i + 1);
    }
  }
  gains.sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(10, gains.length); i++) idcg += gains[i]! / Math.log2(i + 2);

  return {
    'ndcg@10': idcg > 0 ? dcg / idcg : 0,
    'mrr@10': firstRelRank > 0 && firstRelRank <= 10 ? 1 / firstRelRank : 0,
    'recall@100': relRet100 / numRel,
    'recall@1000': relRet1000 / numRel,
    map: precisionSum / numRel,
  };
}

/** Evaluates a run: means over the queries that have a relevant document and appear in the run. */
export function evaluateRun(qrels: Qrels, run: Run): Evaluation {
  const perQuery = new Map<string, QueryMetrics>();
  for (const [qid, retrieved] of run) {
    const judged = qrels.get(qid);
    if (!judged) continue;
    const values = evaluateQuery(judged, retrieved);
    if (values) perQuery.set(qid, values);
  }
  return { metrics: meanMetrics(perQuery.values()), perQuery };
}

/** Arithmetic means of per-query values (0 for every metric when there are none). */
export function meanMetrics(values: Iterable<QueryMetrics>): AggregateMetrics {
  const sum: QueryMetrics = { 'ndcg@10': 0, 'mrr@10': 0, 'recall@100': 0, 'recall@1000': 0, map: 0 };
  let n = 0;
  for (const v of values) {
    n++;
    for (const name of METRIC_NAMES) sum[name] += v[name];
  }
  const out = { ...sum, queries: n };
  if (n > 0) for (const name of METRIC_NAMES) out[name] = sum[name] / n;
  return out;
}

import path from 'node:path';
import type { RunRecord } from '../store/runs.ts';
import type { Store } from '../store/store.ts';

/** One row of the demo's results: a run's final figures on one test set. */
export interface DemoResultRow {
  run: string;
  name: string;
  status: string;
  /** The backbone's folder name, or `bm25`. */
  backbone: string;
  /** null for BM25. */
  k: number | null;
  dataset: string;
  ndcg10: number | null;
  docNnz: number | null;
  queryNnz: number | null;
  /** Seconds from the run's start to its end. */
  seconds: number | null;
}

function seconds(run: RunRecord): number | null {
  if (!run.startedAt || !run.endedAt) return null;
  return (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000;
}

/** The final evaluations of each run (latest per dataset), in the given run order. */
export function demoResults(store: Store, runIds: readonly string[]): DemoResultRow[] {
  const rows: DemoResultRow[] = [];
  for (const id of runIds) {
    const run = store.runs.require(id);
    const kind = run.config.kind;
    const backbone = kind === 'bm25' ? 'bm25' : path.basename(String(run.config.model));
    const k = kind === 'bm25' ? null : Number(run.config.k);
    const evaluations = store.evaluations.latest(id);
    const base = { run: id, name: run.name, status: run.status, backbone, k, seconds: seconds(run) };
    if (evaluations.length === 0) rows.push({ ...base, dataset: '-', ndcg10: null, docNnz: null, queryNnz: null });
    for (const e of evaluations) {
      const m = e.metrics;
      rows.push({
        ...base,
        dataset: `${e.dataset}/${e.split}`,
        ndcg10: m['ndcg@10'] ?? null,
        docNnz: m.doc_nnz_mean ?? null,
        queryNnz: m.query_nnz_mean ?? null,
      });
    }
  }
  return rows;
}

/** A plain-text table of the rows (for a terminal and for notes). */
export function formatDemoResults(rows: readonly DemoResultRow[]): string {
  const f = (v: number | null, digits: number) => (v === null ? '-' : v.toFixed(digits));
  const table = [
    ['backbone', 'k', 'dataset', 'nDCG@10', 'doc nnz', 'query nnz', 'run s', 'status'],
    ...rows.map((r) => [r.backbone, r.k === null ? '-' : String(r.k), r.dataset, f(r.ndcg10, 4), f(r.docNnz, 1), f(r.queryNnz, 1), f(r.seconds, 0), r.status]),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  return table.map((row) => row.map((cell, c) => (c <= 2 || c === 7 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()).join('\n');
}

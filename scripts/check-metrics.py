#!/usr/bin/env python3
"""Independent check of `lsr metrics`: recomputes every metric from its definition in plain Python
(float64) and nDCG@10 also with scikit-learn's ndcg_score (Debian python3-sklearn), then compares with
`lsr metrics --json --per-query`.

usage: /usr/bin/python3 scripts/check-metrics.py QRELS RUN
Definitions (trec_eval 9.x): relevant = grade >= 1; ranking = score desc, then docid desc; nDCG@10 with
gain = grade (negative grades count as 0), discount log2(rank + 1), ideal from all judged documents;
MRR@10 = 1/rank of the first relevant document within 10; recall@k; AP over the whole run.
Averages over queries that have a relevant document and appear in the run.
"""
import json
import math
import subprocess
import sys


def read_qrels(path):
    qrels = {}
    with open(path) as f:
        for i, line in enumerate(f):
            cols = line.split()
            if not cols:
                continue
            if i == 0 and len(cols) == 3 and not cols[2].lstrip("+-").isdigit():
                continue
            qid, docid, rel = (cols[0], cols[2], cols[3]) if len(cols) == 4 else (cols[0], cols[1], cols[2])
            qrels.setdefault(qid, {})[docid] = int(rel)
    return qrels


def read_run(path):
    run = {}
    with open(path) as f:
        for line in f:
            cols = line.split()
            if cols:
                run.setdefault(cols[0], []).append((cols[2], float(cols[4])))
    return run


def per_query(judged, docs):
    ranked = sorted(docs, key=lambda d: d[0], reverse=True)  # docid desc, then a stable sort by score desc
    ranked = sorted(ranked, key=lambda d: d[1], reverse=True)
    rels = [judged.get(d, 0) for d, _ in ranked]
    num_rel = sum(1 for r in judged.values() if r >= 1)
    dcg = sum(max(r, 0) / math.log2(i + 2) for i, r in enumerate(rels[:10]))
    ideal = sorted((r for r in judged.values() if r > 0), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    first = next((i + 1 for i, r in enumerate(rels) if r >= 1), None)
    hits, ap = 0, 0.0
    for i, r in enumerate(rels):
        if r >= 1:
            hits += 1
            ap += hits / (i + 1)
    return {
        "ndcg@10": dcg / idcg if idcg > 0 else 0.0,
        "mrr@10": 1 / first if first is not None and first <= 10 else 0.0,
        "recall@100": sum(1 for r in rels[:100] if r >= 1) / num_rel,
        "recall@1000": sum(1 for r in rels[:1000] if r >= 1) / num_rel,
        "map": ap / num_rel,
    }, ranked


def sklearn_ndcg(judged, ranked):
    from sklearn.metrics import ndcg_score
    import numpy as np
    retrieved = {d for d, _ in ranked}
    items = [(d, s) for d, s in ranked]
    low = min(s for _, s in ranked) if ranked else 0.0
    missing = [d for d, r in judged.items() if r > 0 and d not in retrieved]
    items += [(d, low - 1 - i) for i, d in enumerate(missing)]
    if len(items) < 2:
        return None
    y_true = np.array([[max(judged.get(d, 0), 0) for d, _ in items]], dtype=float)
    y_score = np.array([[s for _, s in items]], dtype=float)
    return float(ndcg_score(y_true, y_score, k=10))


def main():
    qrels_path, run_path = sys.argv[1], sys.argv[2]
    qrels, run = read_qrels(qrels_path), read_run(run_path)
    ours = {}
    tied, sk_diff = 0, 0.0
    for qid, docs in run.items():
        judged = qrels.get(qid)
        if not judged or not any(r >= 1 for r in judged.values()):
            continue
        values, ranked = per_query(judged, docs)
        ours[qid] = values
        top = [s for _, s in ranked[:11]]
        if len(set(top)) < len(top):
            tied += 1  # sklearn averages tied gains; trec_eval breaks ties by docid: compare only untied
        else:
            sk = sklearn_ndcg(judged, ranked)
            if sk is not None:
                sk_diff = max(sk_diff, abs(sk - values["ndcg@10"]))
    names = ["ndcg@10", "mrr@10", "recall@100", "recall@1000", "map"]
    means = {n: sum(v[n] for v in ours.values()) / len(ours) for n in names}
    out = subprocess.run(["node", "bin/lsr.mjs", "metrics", "--qrels", qrels_path, "--run", run_path, "--json", "--per-query"],
                         check=True, capture_output=True, text=True).stdout
    lsr = json.loads(out)
    per_query_diff = max(abs(lsr["per_query"][q][n] - ours[q][n]) for q in ours for n in names)
    print(json.dumps({
        "queries": [len(ours), lsr["queries"]],
        "python": {n: round(means[n], 6) for n in names},
        "lsr": {n: round(lsr[n], 6) for n in names},
        "max_abs_diff_mean": max(abs(means[n] - lsr[n]) for n in names),
        "max_abs_diff_per_query": per_query_diff,
        "sklearn_ndcg10_max_abs_diff_untied_queries": sk_diff,
        "queries_with_ties_in_top11": tied,
    }))


if __name__ == "__main__":
    main()

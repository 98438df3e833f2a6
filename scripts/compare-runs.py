#!/usr/bin/env python3
"""Compares two TREC runs rank by rank (e.g. `lsr bench search --run-out` against the SciPy anchor's).

usage: /usr/bin/python3 scripts/compare-runs.py RUN_A RUN_B [--tol 1e-5]
Each run is re-sorted as trec_eval sorts it (score desc, docid desc); documents with score 0 are dropped
(an inverted index never returns them; a dense top-k may). A rank where the two runs hold different
documents is explained when the two documents' scores (from either run) differ by at most --tol, i.e.
a near-tie that float32 rounding may order either way. Prints one JSON line.
"""
import json
import sys


def read(path):
    run = {}
    with open(path) as f:
        for line in f:
            c = line.split()
            if c and float(c[4]) != 0.0:
                run.setdefault(c[0], {})[c[2]] = float(c[4])
    return {q: sorted(sorted(d.items(), reverse=True), key=lambda x: x[1], reverse=True) for q, d in run.items()}


def main():
    a, b = read(sys.argv[1]), read(sys.argv[2])
    tol = float(sys.argv[sys.argv.index("--tol") + 1]) if "--tol" in sys.argv else 1e-5
    identical = explained = unexplained = 0
    max_score_diff = 0.0
    same_set = 0
    for q in a:
        la, lb = a[q], b.get(q, [])
        n = min(len(la), len(lb))
        da, db = dict(la), dict(lb)
        for d in set(da) & set(db):
            max_score_diff = max(max_score_diff, abs(da[d] - db[d]))
        if [d for d, _ in la[:n]] == [d for d, _ in lb[:n]]:
            identical += 1
        else:
            ok = True
            for (x, sx), (y, sy) in zip(la[:n], lb[:n]):
                if x != y and abs(sx - sy) > tol and abs(da.get(y, sy) - sx) > tol:
                    ok = False
            explained += ok
            unexplained += not ok
        same_set += {d for d, _ in la[:n - 1]} == {d for d, _ in lb[:n - 1]}
    print(json.dumps({"queries": len(a), "identical_rankings": identical, "differ_only_at_near_ties": explained,
                      "differ_otherwise": unexplained, "same_top_k_minus_1_set": same_set,
                      "max_abs_score_diff": max_score_diff}))


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Search speed of `lsr bench search` against the SciPy CSR anchor on the same synthetic SPLADE-like
# vectors, interleaved over several rounds (on a shared machine, load shifts between runs).
#   bash scripts/bench-search-vs-scipy.sh [DIR] [ROUNDS] [ANCHOR]
# Needs Debian's python3-scipy (run with /usr/bin/python3). Prints one JSON line per run, then the
# rank-by-rank comparison of the last two run files.
set -euo pipefail
dir=${1:-/tmp/lsr-splade20k}
rounds=${2:-3}
anchor=${3:-scripts/anchors/scipy_search.py}
if [ ! -f "$dir/docs.jsonl" ]; then npx tsx scripts/gen-splade-vectors.ts --out "$dir" --docs 20000 --queries 200 --seed 1; fi
for i in $(seq "$rounds"); do
  node bin/lsr.mjs bench search --docs "$dir/docs.jsonl" --queries "$dir/queries.jsonl" --k 1000 --repeat 3 --run-out "$dir/lsr.run" 2>/dev/null
  /usr/bin/python3 "$anchor" "$dir/docs.jsonl" "$dir/queries.jsonl" --k 1000 --repeat 3 --run-out "$dir/scipy.run"
done
/usr/bin/python3 scripts/compare-runs.py "$dir/lsr.run" "$dir/scipy.run"

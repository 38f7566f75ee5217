#!/usr/bin/env bash
# A/B timing of two slfit binaries on the same fit: ParScale's pile group copied GROUPS times,
# `slfit fit --backend cpu`, the two binaries alternated RUNS times so that machine drift hits
# both alike; prints each run, the medians, their ratio, and whether the fits are identical.
#
#   bash bench/ab_fit.sh BEFORE_SLFIT AFTER_SLFIT [GROUPS=600] [THREADS=1] [RUNS=5]
set -euo pipefail
before=$1 after=$2 groups=${3:-600} threads=${4:-1} runs=${5:-5}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -F, -v groups="$groups" 'NR == 1 { print; next } $1 == "pile" { rows[++n] = $0 }
  END { for (g = 0; g < groups; ++g) for (i = 1; i <= n; ++i) { sub(/^[^,]*/, "g" g, rows[i]); print rows[i] } }' \
  examples/parscale/train.csv > "$work/data.csv"
for ((i = 0; i < runs; ++i)); do
  for side in before after; do
    binary=${!side}
    start=$(date +%s.%N)
    "$binary" fit --data "$work/data.csv" --law parallel_power --group group --backend cpu --threads "$threads" \
      --out "$work/$side.json" 2>/dev/null
    echo "$side $(echo "$(date +%s.%N) - $start" | bc)"
  done
done | tee "$work/times.txt"
python3 - "$work" <<'PY'
import json, statistics, sys
work = sys.argv[1]
times = {"before": [], "after": []}
for line in open(f"{work}/times.txt"):
    side, seconds = line.split()
    times[side].append(float(seconds))
median = {side: statistics.median(t) for side, t in times.items()}
print(f"median before {median['before']:.3f} s, after {median['after']:.3f} s, "
      f"after / before {median['after'] / median['before']:.3f}")
a, b = (json.load(open(f"{work}/{side}.json"))["fits"] for side in ("before", "after"))
same = sum(x["params"] == y["params"] and x["objective"] == y["objective"] for x, y in zip(a, b))
print(f"identical fits: {same} of {len(a)}")
PY

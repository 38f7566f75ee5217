#!/usr/bin/env bash
# Runs the same CLI jobs on the bundled examples with two slfit binaries (e.g. this machine's
# x86-64 build and the arm64 build under qemu, scripts/test-arm64.sh) and compares their JSON
# outputs: every field but timings (`seconds`, `timing`) must be the same bits. Prints one line a
# job and, where they differ, the first fields that do with their relative differences.
#   bash scripts/compare-architectures.sh FIRST_SLFIT SECOND_SLFIT
# Exit status: 0 when every job's outputs are identical.
set -euo pipefail
cd "$(dirname "$0")/.."
first=$1 second=$2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/slfit-arch.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# name|arguments; the JSON output's path is appended to each job's last flag.
jobs=(
  "fit_parscale|fit --data examples/parscale/train.csv --law parallel_power --group group --format json --out"
  "fit_parscale_full_de|fit --data examples/parscale/train.csv --law parallel_power --group group --separable off --format json --out"
  "fit_parscale_pow|fit --data examples/parscale/train.csv --law parscale --group group --format json --out"
  "fit_chinchilla|fit --data examples/chinchilla/train.csv --law chinchilla --format json --out"
  "fit_chinchilla_immediate|fit --data examples/chinchilla/train.csv --law chinchilla --separable off --updating immediate --format json --out"
  "bootstrap_global|bootstrap --data examples/parscale/train.csv --law parallel_power --group group --resamples 40 --search global --out"
  "bootstrap_local|bootstrap --data examples/chinchilla/train.csv --law chinchilla --resamples 200 --search local --out"
  "rescore|rescore --manifest examples/leaderboards/parallel.json --out @scratch/scores.csv --json"
)

failed=0
for job in "${jobs[@]}"; do
  name=${job%%|*} args=${job#*|}
  for side in first second; do
    binary=${!side}
    # shellcheck disable=SC2086  # the job's arguments are words
    if ! "$binary" ${args//@scratch\//$scratch/$side.} "$scratch/$name.$side.json" --threads 2 \
        >/dev/null 2>"$scratch/$name.$side.err"; then
      echo "$name: $side binary failed: $(tail -n 3 "$scratch/$name.$side.err")"
      failed=1
      continue 2
    fi
  done
  python3 - "$name" "$scratch/$name.first.json" "$scratch/$name.second.json" <<'EOF' || failed=1
import json, math, sys
name, a_path, b_path = sys.argv[1:4]
EXCLUDED = {"seconds", "timing"}

def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in EXCLUDED}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node

def diffs(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from diffs(a.get(k), b.get(k), f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from diffs(x, y, f"{path}[{i}]")
    elif a != b and not (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)):
        rel = ""
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and max(abs(a), abs(b)) > 0:
            rel = f" (relative {abs(a - b) / max(abs(a), abs(b)):.2g})"
        yield f"{path}: {a!r} vs {b!r}{rel}"

a, b = (strip(json.load(open(p))) for p in (a_path, b_path))
found = list(diffs(a, b))
def leaves(node):
    if isinstance(node, dict):
        return sum(leaves(v) for v in node.values())
    if isinstance(node, list):
        return sum(leaves(v) for v in node)
    return 1

values = leaves(a)
if not found:
    print(f"{name}: identical ({values} values)")
    sys.exit(0)
print(f"{name}: {len(found)} fields differ of {values}; first: " + "; ".join(found[:5]))
sys.exit(1)
EOF
done
exit $failed

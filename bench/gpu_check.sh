#!/usr/bin/env bash
# The GPU session's one call: every check of the CUDA backend that needs a GPU, each in its own
# process under `timeout` (a fault poisons only its own CUDA context; a hang costs one step),
# ordered by information per second, inside an overall budget sized for a 15-minute device lease.
#
#   here:          bash scripts/device-bundle.sh        (builds build-device/, fills .device/)
#   device tool:   run, carry [".device"], timeout_s 570, command: OUT=$OUT bash bench/gpu_check.sh
#
# It never builds: the GPU machine has no Boost or GoogleTest and no registry. Without .device/ it
# stops and says so. Nothing needs the executable bit (binaries are copied to a scratch folder and
# chmod'ed there). Logs go to at most 8 files under $OUT (the device tool returns 8, two folders
# deep): env.txt, tests.log, fits.txt, sanitizers.log, bench.log, ncu.txt, summary.txt, and the
# ncu report slfit_de.ncu-rep when under 16 MiB. Each step appends its header, command, timeout,
# wall time and rc as it runs; summary.txt is rewritten after every step (a killed run still
# leaves the rows so far) and the table is printed last. Exit status: 0 when no step FAILed or
# timed out. GPU_CHECK_BUDGET (seconds, default 500) is the overall budget; a step starts only if
# its minimum fits in what is left, and its timeout is min(its cap, what is left).
#
# `bash bench/gpu_check.sh --compare CPU.json CUDA.json` runs step 3's field-by-field comparison
# alone (exit 0: no key field differs).
#
# Expected wall time on the H200 machine (16 cores), estimated from the parts (never measured
# yet; the machine's start, 1-2 min, is outside timeout_s):
#
#   step                              cap s   estimate s   from
#   1   environment, ldd, tools          40       3-8      nvidia-smi (driver init 1-3 s), ldd, tools' --version
#   2   Philox, predictions, variants   120       8-20     context ~1 s; ~25 small NVRTC probes 0.1-0.5 s each;
#                                                          one DE-kernel compile 1-3 s; 90 small DEs each side
#   3   CPU vs CUDA CLI fits             90       8-16     separable off and auto: cpu fit <0.5 s; cuda fit: context
#                                                          + cold compile 1-3 s
#   4a  memcheck   (small fit)           90       5-15     2 problems (pile, stack) x 30 generations, 10-100x
#   4b  racecheck  (small fit)           90       5-15       slower (racecheck up to ~1000x), + 2-5 s tool start;
#   4c  synccheck  (small fit)           90       5-15       the kernel comes from step 3's NVRTC cache
#   5   DE, mixed, surface, CliBackend  180      25-50     1,200 DE problems: 3 compiles 1-3 s each; CPU reference
#                                                          DE and CPU fit_batch of 400 problems per law on 16
#                                                          cores 2-4 s per law; ~15 CLI processes ~1 s each
#   6   speed benchmark (10k)           180      15-40     cold + cached compile 1-4 s; 10k DEs (~2e9 point
#                                                          evaluations) 0.1-2 s, twice; host refinement of 10k
#                                                          fits on 16 cores 3-10 s; plain-kernel rate 1-3 s
#   7   million problems                150      10-30     1M problems built and prepared on the host (serial)
#                                                          3-7 s; ~6e9 point evaluations in chunks 1-5 s
#   8   initcheck  (small fit)           90       5-15     as step 4
#   9a  ncu, one slfit_de launch        120      15-30     ncu start 3-5 s; bootstrap of 2 groups x 1,000
#                                                          resamples (2,000 fits, one launch) 3-8 s; --set full
#                                                          replays the launch ~40 times (seen: 8.7 s in all)
#   9b  ncu, the plain kernel           120      15-30     step 6's test; its first slfit_evaluate launch
#                                                          (10k x 80 x 200 evaluations, ~0.3 s) replayed ~40 times
#   10  PyTorch batched DE peer (10k)   120      10-25     3 python processes (self-test, masked, --compact), each
#                                                          torch import + CUDA start 2-5 s; a run is ~210 generations
#                                                          of ~10 fp64 passes over [10k, 80, 18] (~2 GB of memory
#                                                          traffic, ~0.6-1 ms at 3-4 TB/s), so 0.15-0.4 s, x4 (warm-up
#                                                          + 3 timed) per variant; CPU here: ~1e6 evaluations/s/core
#       total                           500     110-275    so a 570 s call ends in ~2-5 min (plus the 1-2 min
#                                                          start): time is left to rerun a failing step
#
# GPU_CHECK_STEPS (default "1 2 3 4 5 6 7 8 9 10 11 12") runs a subset, e.g. GPU_CHECK_STEPS="1 6".
# Step 10 (bench/torch_de_peer.py) reads GPU_CHECK_PYTHON (default python3), GPU_CHECK_PEER_DEVICE
# (default cuda; cpu for a dry run without a GPU), GPU_CHECK_PEER_PROBLEMS (default 10000) and
# GPU_CHECK_PEER_REPEATS (timed runs after a warm-up, default 3).
set -uo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
ROOT=$PWD

# ---------------------------------------------------------------------------------------------
# Step 3's comparison: two fit JSONs field by field; numbers to a relative 1e-9 (integers
# exactly), strings exactly; `backend`, `seconds` and `timing` excluded. Key fields (parameters,
# objective, r2_train, status, the DE's best) decide; every differing field is printed.
compare_fits() {
  local cpu=$1 cuda=$2
  if command -v python3 > /dev/null && [[ -z ${GPU_CHECK_NO_PYTHON:-} ]]; then
    python3 - "$cpu" "$cuda" << 'EOF'
import json, math, os, re, sys
cpu, cuda = (json.load(open(p)) for p in sys.argv[1:3])
EXCLUDED = {"backend", "seconds", "timing"}
REL = 1e-9
compared, key_diffs, other_diffs = 0, [], []

def is_key(path):
    # GPU_CHECK_KEY=objectives: a fit's objective, r2 and status (and an entry's scores) decide,
    # not its parameters (a flat optimum's parameters may agree to 1e-9 only in its objective).
    fields = "objective|r2_train|status" if os.environ.get("GPU_CHECK_KEY") == "objectives" else \
        "params\\..*|objective|r2_train|status"
    return bool(re.fullmatch(r"(.*\])?\.fits\[[^]]*\]\.(" + fields + ")", path) or
                re.fullmatch(r"\.entries\[[^]]*\]\.(r2|nmse|nmae|status|train_objective)", path))

def differ(path, a, b, why):
    (key_diffs if is_key(path) or why.startswith("only") else other_diffs).append(f"{path}: cpu {a!r} cuda {b!r} ({why})")

def path_matrix(path):
    m = re.search(r"\.(covariance|correlation)\[(\d+)\]\[(\d+)\]$", path)
    return (m.group(1), int(m.group(2)), int(m.group(3))) if m else None

def matrix_of(doc, path, i, j):
    """The element [i][j] of the matrix that `path` (one of its elements) names in `doc`."""
    node = doc
    for part in re.findall(r"\.([^.\[]+)|\[([^]]*)\]", re.sub(r"\[\d+\]\[\d+\]$", "", path)):
        name, index = part
        if name:
            node = node[name]
        elif isinstance(node, list):
            node = next((x for x in node if isinstance(x, dict) and index in (str(x.get("id")), str(x.get("group")))),
                        None) or node[int(index)]
    return node[i][j]

def walk(a, b, path):
    global compared
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k in EXCLUDED:
                continue
            if k not in a or k not in b:
                differ(f"{path}.{k}", a.get(k), b.get(k), "only in " + ("cuda" if k in b else "cpu"))
            else:
                walk(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            differ(path, f"{len(a)} items", f"{len(b)} items", "only in one: lengths differ")
        # Records with an id (rescore's entries) are paired by it: their order is a ranking,
        # compared as each entry's own "rank" field.
        key = next((k for k in ("id", "group") if all(isinstance(x, dict) and k in x for x in a + b)), None)
        if key == "id":
            by_id = {y[key]: y for y in b}
            pairs = [(x[key], x, by_id.get(x[key])) for x in a]
            for name, x, y in pairs:
                if y is None:
                    differ(f"{path}[{name}]", name, None, "only in cpu")
                else:
                    walk(x, y, f"{path}[{name}]")
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{path}[{x[key] if key else i}]")
    elif path_matrix(path) and isinstance(a, (int, float)) and isinstance(b, (int, float)):
        # A bootstrap's covariance and correlation: an off-diagonal element near zero is a
        # difference of large products, so it is judged on its matrix's scale: correlations
        # absolutely, covariances relative to sqrt(c_ii c_jj) of the cpu's matrix.
        compared += 1
        name, i, j = path_matrix(path)
        scale = 1.0
        if name == "covariance":
            scale = math.sqrt(abs(matrix_of(cpu, path, i, i) * matrix_of(cpu, path, j, j))) or 1.0
        if not abs(a - b) <= REL * scale:
            differ(path, a, b, f"difference {abs(a - b) / scale:.3g} of the matrix's scale {scale:.3g}")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        compared += 1
        if isinstance(a, int) and isinstance(b, int):
            if a != b:
                differ(path, a, b, f"integers differ by {b - a}")
        elif not (a == b or (math.isnan(a) and math.isnan(b))):
            scale = max(abs(a), abs(b))
            rel = abs(a - b) / scale if scale > 0 and math.isfinite(scale) else math.inf
            if not rel <= REL:
                differ(path, a, b, f"relative difference {rel:.3g}")
    else:
        compared += 1
        if a != b:
            differ(path, a, b, "differ")

walk(cpu, cuda, "")
for d in key_diffs:
    print("KEY   " + d)
for d in other_diffs:
    print("OTHER " + d)
print(f"compared {compared} fields (relative tolerance {REL}; backend, seconds, timing excluded): "
      f"{len(key_diffs)} key fields differ, {len(other_diffs)} other fields differ")
if isinstance(cuda, dict) and "timing" in cuda:
    print("cuda timing: " + json.dumps(cuda["timing"]))
sys.exit(1 if key_diffs else 0)
EOF
  else
    # No python3: both files are slfit's pretty-printed JSON, one value per line, in the same
    # order; line-by-line after dropping the excluded fields (the timing block too).
    local strip='/"timing": \{/ {skip=1; next} skip && /^ *\}/ {skip=0; next} skip {next}
                 /^ *"(backend|seconds)":/ {next} {print}'
    awk "$strip" "$cpu" > "$cpu.cmp" && awk "$strip" "$cuda" > "$cuda.cmp" || return 1
    paste "$cpu.cmp" "$cuda.cmp" | awk -F '\t' -v rel=1e-9 '
      function val(s) { sub(/^[^:]*: */, "", s); sub(/,$/, "", s); return s }
      function key(s) { if (s !~ /^ *"[^"]*":/) return ""; sub(/^ *"/, "", s); sub(/".*/, "", s); return s }
      function num(s) { return s ~ /^-?[0-9]/ }
      { l = $1; r = $2; k = key(l) }
      k == "group" { group = val(l) }
      l ~ /^ *"[^"]*": \{$/ { obj = k } l ~ /^ *\},?$/ { obj = "" }
      { n++; if (l == r) next
        a = val(l); b = val(r)
        if (num(a) && num(b)) { d = a - b; d = d < 0 ? -d : d; m = (a < 0 ? -a : a); mb = (b < 0 ? -b : b); if (mb > m) m = mb
                                if (d <= rel * m) next; why = "relative difference " (m > 0 ? d / m : "inf") }
        else why = "differ"
        iskey = obj == "params" || (obj == "" && (k == "objective" || k == "r2_train" || k == "status")) ||
                (obj == "de" && k == "best") || key(r) != k
        print (iskey ? "KEY   " : "OTHER ") "group " group " line " NR " " (k == "" ? "(structure)" : k) ": cpu " a " cuda " b " (" why ")"
        if (iskey) keys++; else others++ }
      END { printf "compared %d lines (relative tolerance %s; backend, seconds, timing excluded; no python3): %d key fields differ, %d other fields differ\n", n, rel, keys, others
            exit keys > 0 }'
  fi
}

if [[ ${1:-} == --compare ]]; then
  compare_fits "$2" "$3"
  exit $?
fi

# ---------------------------------------------------------------------------------------------
OUT=${OUT:-${TMPDIR:-/tmp}/gpu_check_out}
BUDGET=${GPU_CHECK_BUDGET:-500}
STEPS=" ${GPU_CHECK_STEPS:-1 2 3 4 5 6 7 8 9 10 11 12} "
RESERVE=5  # seconds kept for the summary
mkdir -p "$OUT"
ENV_LOG=$OUT/env.txt TESTS_LOG=$OUT/tests.log FITS_LOG=$OUT/fits.txt SAN_LOG=$OUT/sanitizers.log
BENCH_LOG=$OUT/bench.log NCU_LOG=$OUT/ncu.txt SUMMARY=$OUT/summary.txt
for f in "$ENV_LOG" "$TESTS_LOG" "$FITS_LOG" "$SAN_LOG" "$BENCH_LOG" "$NCU_LOG" "$SUMMARY"; do : > "$f"; done
START_US=${EPOCHREALTIME/./}
elapsed_s() { echo $(((${EPOCHREALTIME/./} - START_US) / 1000000)); }

if [[ ! -f .device/slfit || ! -f .device/slfit_tests ]]; then
  {
    echo "gpu_check: FAIL: .device/ is missing or incomplete in $ROOT (it needs .device/slfit and .device/slfit_tests)."
    echo "This script never builds on the GPU machine (it has no Boost or GoogleTest, and no registry)."
    echo "On the build machine run:  bash scripts/device-bundle.sh"
    echo "then call the device tool's run with carry [\".device\"] and command: OUT=\$OUT bash bench/gpu_check.sh"
  } | tee "$SUMMARY" >&2
  exit 2
fi

# The bundle, copied where it can be made executable (a carry need not keep the mode bits).
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/slfit-gpu-check.XXXXXX")
DEV=$SCRATCH/device
cp -r .device "$DEV"
chmod +x "$DEV/slfit" "$DEV/slfit_tests" 2> /dev/null
"$DEV/slfit" --version > /dev/null 2>&1
if (($? == 126)); then
  # A scratch folder mounted noexec: make the carried copy executable instead.
  chmod +x .device/slfit .device/slfit_tests 2> /dev/null
  DEV=$ROOT/.device
fi
export SLFIT_BINARY=$DEV/slfit SLFIT_SOURCE_DIR=$ROOT
SLFIT=$DEV/slfit TESTS=$DEV/slfit_tests
# The NVRTC cache ($XDG_CACHE_HOME/slfit), fresh and writable; a pre-warmed one from the bundle first.
export XDG_CACHE_HOME=$SCRATCH/cache
mkdir -p "$XDG_CACHE_HOME"
[[ -d .device/cache ]] && cp -r .device/cache/. "$XDG_CACHE_HOME/"
# Bundled libraries first, then the device's CUDA toolkit (NVRTC, too large to carry).
LIBS=$DEV/lib
for d in /usr/local/cuda/lib64 /usr/local/cuda/lib /usr/local/cuda/targets/x86_64-linux/lib; do
  [[ -d $d ]] && LIBS+=:$d
done
export LD_LIBRARY_PATH=$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
# A library still missing (NVRTC, nvJitLink): elsewhere on the machine, another toolkit or a
# Python wheel's copy.
for soname in $(ldd "$SLFIT" "$TESTS" 2> /dev/null | awk '/not found/ {print $1}' | sort -u); do
  found=$(timeout 30 find /usr/local /opt /usr/lib -name "$soname" 2> /dev/null | sort -V | tail -1)
  [[ -n $found ]] && LD_LIBRARY_PATH+=:${found%/*}
done

# compute-sanitizer and ncu: PATH, then the usual install folders; the newest version wins.
# shellcheck disable=SC2034  # read through ${!looked}
LOOKED_compute_sanitizer="PATH /usr/local/cuda/bin /usr/local/cuda-*/bin /usr/local/cuda*/compute-sanitizer /opt/nvidia/compute-sanitizer* /opt/nvidia/cuda*/bin"
# shellcheck disable=SC2034
LOOKED_ncu="PATH /usr/local/cuda/bin /usr/local/cuda-*/bin /opt/nvidia/nsight-compute/* /opt/nvidia/nsight-compute* /usr/local/cuda*/nsight-compute* /usr/local/NVIDIA-Nsight-Compute* /opt/nvidia/cuda*/bin"
find_tool() {
  local name=$1 looked=LOOKED_${1//-/_} dir candidates=()
  command -v "$name" > /dev/null 2>&1 && { command -v "$name"; return; }
  for dir in ${!looked}; do
    [[ $dir == PATH ]] && continue
    for c in $dir/$name; do [[ -f $c && -x $c ]] && candidates+=("$c"); done
  done
  ((${#candidates[@]})) && printf '%s\n' "${candidates[@]}" | sort -V | tail -1
}
SANITIZER=$(find_tool compute-sanitizer)
NCU=$(find_tool ncu)

GPU_NAME=$(timeout 20 nvidia-smi --query-gpu=name --format=csv,noheader 2> /dev/null | head -1)

# ---------------------------------------------------------------------------------------------
# Step runner: `step ID NAME LOG MIN CAP FUNCTION [ARGS]` runs FUNCTION in its own bash process
# under `timeout`, appending to LOG, and judges it with judge_FUNCTION (STATUS, DETAIL).
ROWS=()
BAD=0  # steps that FAILed or timed out
STEP_OUT=$SCRATCH/step.out
export SLFIT TESTS SANITIZER NCU SCRATCH OUT ROOT

summary_table() {
  printf '%-4s %-44s %-8s %8s  %s\n' step check status seconds detail
  printf '%s\n' "${ROWS[@]}"
}
record() {  # id name status seconds detail
  [[ $3 == FAIL || $3 == TIMEOUT ]] && BAD=$((BAD + 1))
  ROWS+=("$(printf '%-4s %-44s %-8s %8s  %s' "$1" "$2" "$3" "$4" "$5")")
  {
    echo "gpu_check $(cat .device/REVISION 2> /dev/null | head -1) on ${GPU_NAME:-no GPU visible}; budget ${BUDGET} s; $(elapsed_s) s so far"
    summary_table
  } > "$SUMMARY"
}

step() {
  local id=$1 name=$2 log=$3 min=$4 cap=$5 fn=$6
  shift 6
  [[ $STEPS == *" ${id%[abc]} "* ]] || return 0
  local left=$((BUDGET - $(elapsed_s) - RESERVE))
  if ((left < min)); then
    record "$id" "$name" SKIP 0 "budget: ${left} s left of ${BUDGET} s, the step needs at least ${min} s"
    echo "[$id] $name: SKIP (budget)"
    return 0
  fi
  local limit=$((cap < left ? cap : left))
  {
    echo
    echo "==== [$id] $name ===="
    case $fn in
      gtest) echo "command: $TESTS --gtest_color=no $*" ;;
      speed) echo "command: $TESTS --gtest_color=no --gtest_also_run_disabled_tests --gtest_filter=CudaDevice.DISABLED_SpeedParscale10k" ;;
      *) echo "command: $fn${*:+ $*} (a function of bench/gpu_check.sh; it prints the commands it runs)" ;;
    esac
    echo "started: +$(elapsed_s) s; timeout ${limit} s"
  } >> "$log"
  echo "[$id] $name: running (timeout ${limit} s)"
  local t0=${EPOCHREALTIME/./}
  timeout -k 10 "$limit" bash -c "$(declare -f "$fn" gtest compare_fits); $fn \"\$@\"" "$fn" "$@" 2>&1 |
    tee "$STEP_OUT" >> "$log"
  local rc=${PIPESTATUS[0]}
  local us=$((${EPOCHREALTIME/./} - t0))
  local seconds
  seconds=$(printf '%d.%01d' $((us / 1000000)) $((us % 1000000 / 100000)))
  STATUS='' DETAIL=''
  if ((rc == 124 || rc == 137)); then
    STATUS=TIMEOUT DETAIL="killed after ${limit} s; last line: $(grep -v '^$' "$STEP_OUT" | tail -1 | cut -c1-120)"
  else
    "judge_$fn" "$rc" "$@"
  fi
  echo "finished: rc=$rc, wall ${seconds} s, status $STATUS: $DETAIL" >> "$log"
  record "$id" "$name" "$STATUS" "$seconds" "$DETAIL"
  echo "[$id] $name: $STATUS in ${seconds} s"
}

# A body may end with "@@ STATUS detail" to judge itself.
judge_self() {
  local rc=$1 line
  line=$(grep '^@@ ' "$STEP_OUT" | tail -1)
  if [[ -n $line ]]; then
    line=${line#@@ }
    STATUS=${line%% *} DETAIL=${line#* }
  else
    STATUS=FAIL DETAIL="rc $rc; last line: $(grep -v '^$' "$STEP_OUT" | tail -1 | cut -c1-120)"
  fi
}

# ---- step 1: the machine and the bundle
environment() {
  echo "date: $(date -u +%FT%TZ)   host: $(uname -n)   kernel: $(uname -r)   cores: $(nproc)"
  free -g 2> /dev/null | head -2
  echo "--- bundle (.device/REVISION)"
  cat .device/REVISION 2> /dev/null || echo "(no .device/REVISION)"
  if [[ -f .device/SOURCES.sha256 ]]; then
    local stale
    stale=$(sha256sum -c --quiet .device/SOURCES.sha256 2>&1 | grep -v '^sha256sum:' | cut -d: -f1)
    if [[ -n $stale ]]; then
      echo "STALE BUNDLE: these sources differ from what .device/ was built from:"
      echo "$stale"
    else
      echo "sources: the tree's build inputs equal the bundle's ($(wc -l < .device/SOURCES.sha256) files)"
    fi
  fi
  if command -v git > /dev/null && git rev-parse HEAD > /dev/null 2>&1; then
    echo "tree: git $(git rev-parse HEAD)$(git status --porcelain 2> /dev/null | grep -q . && echo -dirty)"
  else
    echo "tree: no git here"
  fi
  echo "--- nvidia-smi"
  local gpu=""
  if command -v nvidia-smi > /dev/null; then
    nvidia-smi 2>&1
    gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader 2> /dev/null | head -1)
    nvidia-smi --query-gpu=clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu,power.draw,persistence_mode \
      --format=csv 2>&1
  else
    echo "nvidia-smi: not found"
  fi
  echo "--- toolkit on this machine"
  ls -d /usr/local/cuda* 2>&1
  readlink -f /usr/local/cuda 2>&1
  (nvcc --version || /usr/local/cuda/bin/nvcc --version) 2>&1 | tail -2
  local inc
  inc=$(sed -n 's/^cuda_include_dir: //p' .device/REVISION 2> /dev/null)
  if [[ -n $inc ]]; then
    if [[ -f $inc/cuda_runtime.h ]]; then echo "the build's CUDA include folder: $inc (present here)"
    else echo "the build's CUDA include folder: $inc (absent here; the backend also looks in \$CUDA_HOME, beside libnvrtc and in /usr/local/cuda/include)"; fi
  fi
  echo "--- tools"
  echo "compute-sanitizer: ${SANITIZER:-not found}"
  [[ -n $SANITIZER ]] && "$SANITIZER" --version 2>&1 | tail -2
  echo "ncu: ${NCU:-not found}"
  [[ -n $NCU ]] && "$NCU" --version 2>&1 | tail -2
  echo "python3: $(command -v python3 || echo 'not found') $(python3 --version 2>&1)"
  echo "--- environment"
  echo "SLFIT_BINARY=$SLFIT_BINARY"
  echo "SLFIT_SOURCE_DIR=$SLFIT_SOURCE_DIR"
  echo "XDG_CACHE_HOME=$XDG_CACHE_HOME ($(find "$XDG_CACHE_HOME" -name '*.cubin' | wc -l) cached kernels)"
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  local missing=""
  for bin in "$SLFIT" "$TESTS"; do
    echo "--- ldd $bin"
    ldd "$bin" 2>&1
    missing+=$(ldd "$bin" 2>&1 | awk '/not found/ {printf " %s", $1}')
  done
  echo "--- slfit --version: $("$SLFIT" --version 2>&1)"
  local rev tools
  rev=$(sed -n 's/^revision: //p' .device/REVISION 2> /dev/null)
  tools="compute-sanitizer $([[ -n $SANITIZER ]] && echo found || echo absent), ncu $([[ -n $NCU ]] && echo found || echo absent)"
  if [[ -n $missing ]]; then
    echo "@@ FAIL libraries not found:$missing"
  elif [[ -z $gpu ]]; then
    echo "@@ PASS NO GPU visible (nvidia-smi absent or failing); bundle ${rev:-?}; $tools"
  else
    echo "@@ PASS $gpu; bundle ${rev:-?}; $tools"
  fi
}
judge_environment() {
  judge_self "$1"
  local stale
  stale=$(sed -n '/^STALE BUNDLE/,/^tree:/p' "$STEP_OUT" | grep -vc '^STALE BUNDLE\|^tree:')
  grep -q '^STALE BUNDLE' "$STEP_OUT" && DETAIL="STALE BUNDLE: $stale sources changed since (env.txt); $DETAIL"
}

# ---- gtest steps
gtest() { "$TESTS" --gtest_color=no "$@"; }
judge_gtest() {
  local rc=$1 ok skipped failed reason names
  ok=$(grep -cE '^\[       OK \] [^ ]+ \([0-9]+ ms\)' "$STEP_OUT")
  skipped=$(grep -cE '^\[  SKIPPED \] [^ ]+ \([0-9]+ ms\)' "$STEP_OUT")
  failed=$(grep -cE '^\[  FAILED  \] [^ ]+ \([0-9]+ ms\)' "$STEP_OUT")
  names=$(grep -E '^\[  FAILED  \] [^ ]+ \([0-9]+ ms\)' "$STEP_OUT" | awk '{printf "%s%s", sep, $4; sep=", "}')
  reason=$(grep -m1 -oE 'no usable CUDA device: .*' "$STEP_OUT" | cut -c1-100)
  local extra
  extra=$(grep -hoE 'DE energies matching the CPU to 1e-9: [0-9]+ / [0-9]+' "$STEP_OUT" | head -1)
  if ((rc != 0 && failed == 0)); then
    STATUS=FAIL DETAIL="rc $rc (crash?) in $(grep -E '^\[ RUN      \]' "$STEP_OUT" | tail -1 | awk '{print $4}'); $ok passed before"
  elif ((rc != 0)); then
    STATUS=FAIL DETAIL="$failed failed: $names; $ok passed${extra:+; $extra}"
  elif ((ok + skipped == 0)); then
    STATUS=FAIL DETAIL="no test matched the filter"
  elif ((ok == 0)); then
    STATUS=SKIP DETAIL="$skipped skipped: ${reason:-see the log}"
  else
    STATUS=PASS DETAIL="$ok passed${extra:+; $extra}"
    ((skipped)) && DETAIL+="; $skipped skipped${reason:+ ($reason)}"
  fi
  [[ -n ${DETAIL_EXTRA:-} ]] && DETAIL+="; $DETAIL_EXTRA"
  return 0
}
speed() { gtest --gtest_also_run_disabled_tests --gtest_filter=CudaDevice.DISABLED_SpeedParscale10k; }
judge_speed() {
  local e2e de nvrtc ratio separable
  e2e=$(sed -n 's/^end to end[^:]*: \([0-9.e+-]*\) s.*/\1/p' "$STEP_OUT")
  de=$(sed -n 's/^DE only: \([^,]*\) s, .* \([0-9.e+-]*\) \/s$/\1 s (\2 evals\/s)/p' "$STEP_OUT")
  nvrtc=$(sed -n 's/^NVRTC compile (no cache): \(.*\) s$/\1/p' "$STEP_OUT")
  ratio=$(sed -n 's/.*DE kernels \/ plain = \(.*\)$/\1/p' "$STEP_OUT")
  separable=$(sed -n 's/^separable end to end: \([0-9.e+-]*\) s .*as low as the full search.s (1e-9): \(.*\)$/\1 s, as low: \2/p' "$STEP_OUT")
  DETAIL_EXTRA=""
  [[ -n $e2e ]] && DETAIL_EXTRA="10k end-to-end $e2e s; DE $de; NVRTC $nvrtc s; DE kernels/plain $ratio"
  [[ -n $separable ]] && DETAIL_EXTRA+="; separable $separable"
  judge_gtest "$1"
  DETAIL_EXTRA=""
}

# ---- step 3: the same fit on both backends, compared field by field
fits() {
  # Both searches: every parameter (--separable off) and the default, the linear parameters solved
  # for each candidate in the kernel (kernels/projected_energy.cuh).
  local separable b rc t0 us ms verdict last failed=0 lines=()
  for separable in off auto; do
    local args=(fit --data examples/parscale/train.csv --law parallel_power --group group --separable "$separable")
    ms=()
    for b in cpu cuda; do
      echo "--- slfit ${args[*]} --backend $b --out $SCRATCH/fit_${separable}_$b.json"
      t0=${EPOCHREALTIME/./}
      "$SLFIT" "${args[@]}" --backend "$b" --out "$SCRATCH/fit_${separable}_$b.json" 2> "$SCRATCH/fit_$b.err"
      rc=$?
      us=$((${EPOCHREALTIME/./} - t0))
      cat "$SCRATCH/fit_$b.err"
      echo "rc=$rc wall=$((us / 1000)) ms"
      ms+=("$((us / 1000))")
      if ((rc != 0)); then
        echo "@@ FAIL --separable $separable, $b fit rc $rc: $(grep -v '^$' "$SCRATCH/fit_$b.err" | tail -1 | cut -c1-120)"
        return
      fi
    done
    echo "--- cpu JSON"; cat "$SCRATCH/fit_${separable}_cpu.json"
    echo "--- cuda JSON"; cat "$SCRATCH/fit_${separable}_cuda.json"
    echo "--- comparison (--separable $separable)"
    compare_fits "$SCRATCH/fit_${separable}_cpu.json" "$SCRATCH/fit_${separable}_cuda.json" | tee "$SCRATCH/compare.txt"
    verdict=${PIPESTATUS[0]}
    last=$(grep '^compared ' "$SCRATCH/compare.txt" | sed 's/ (relative[^)]*)//')
    if ((verdict == 0)); then
      lines+=("$separable: cpu ${ms[0]} ms, cuda ${ms[1]} ms, $last")
    else
      failed=1
      lines+=("$separable: $last; first: $(grep -m1 '^KEY' "$SCRATCH/compare.txt" | cut -c7-70)")
    fi
  done
  if ((failed)); then echo "@@ FAIL ${lines[*]}"; else echo "@@ PASS ${lines[*]}"; fi
}
judge_fits() { judge_self "$1"; }

# ---- steps 4 and 8: compute-sanitizer on a small fit (2 groups, so 2 problems, 30 generations),
# searched as by default (the linear parameters solved in the kernel); the full search's kernel
# was found clean on the H200 on 2026-12-01 (bench/RESULTS.md) and has not changed since.
sanitize() {
  local tool=$1
  local cmd=("$SANITIZER" --tool "$tool" --error-exitcode 9 --print-limit 50 "$SLFIT" fit
    --data examples/parscale/train.csv --law parallel_power --group group --backend cuda --maxiter 30
    --out "$SCRATCH/fit_$tool.json")
  echo "${cmd[*]}"
  "${cmd[@]}" 2>&1
  local rc=$?
  echo "rc=$rc"
  return $rc
}
judge_sanitize() {
  local rc=$1 tool=$2 summary first
  summary=$(grep -oE '[A-Z]+ SUMMARY: .*' "$STEP_OUT" | tail -1)
  first=$(grep -m1 -E '^========= (Invalid|Race|Barrier|Uninitialized|Program hit|Error|[A-Z][a-z]+ (access|error|hazard))' "$STEP_OUT" | cut -c11-110)
  if ((rc == 0)) && [[ -n $summary ]]; then
    STATUS=PASS DETAIL=$summary
  elif ((rc == 0)); then
    STATUS=PASS DETAIL="rc 0"
  elif ((rc == 9)); then
    STATUS=FAIL DETAIL="${summary:-errors reported}; first: $first"
  else
    STATUS=FAIL DETAIL="rc $rc: $(grep -v '^=*$' "$STEP_OUT" | grep -vE '^rc=' | tail -1 | sed 's/^========= //' | cut -c1-120)"
  fi
}

# ---- step 9: Nsight Compute on one launch of the DE kernel (9a), big enough to fill the chip: a
# bootstrap fits its 2 full-data problems first (one launch of 2 blocks, seen on the H200
# 2026-11-30), then the 2 x 1,000 resamples as one batch: the second slfit_de launch has 2,000
# blocks (about 15 per multiprocessor).
profile() {  # kernel, launches to skip, keep (copy the report to $OUT) or drop, then the command
  local kernel=$1 skip=$2 keep=$3
  shift 3
  local rep=$SCRATCH/$kernel
  local cmd=("$NCU" --kernel-name "$kernel" --launch-skip "$skip" --launch-count 1 --set full --clock-control none
    --export "$rep" --force-overwrite "$@")
  echo "${cmd[*]}"
  "${cmd[@]}" 2>&1 | tee "$SCRATCH/ncu_run.out"
  local rc=${PIPESTATUS[0]}
  echo "rc=$rc"
  if [[ ! -f $rep.ncu-rep ]]; then
    echo "@@ FAIL rc $rc, no report: $(grep -E '==(ERROR|WARNING)==|No kernels were profiled' "$SCRATCH/ncu_run.out" | head -1 | cut -c1-120)"
    return
  fi
  echo "--- ncu --import $rep.ncu-rep --page details"
  "$NCU" --import "$rep.ncu-rep" --page details 2>&1
  local size
  size=$(stat -c %s "$rep.ncu-rep")
  if [[ $keep != keep ]]; then
    echo "report: not copied to \$OUT (the device tool returns 8 files)"
  elif ((size < 16 * 1024 * 1024)); then
    cp "$rep.ncu-rep" "$OUT/$kernel.ncu-rep"
    echo "report: $OUT/$kernel.ncu-rep ($size bytes)"
  else
    echo "report: $size bytes, over the 16 MiB a returned file may have: not copied to \$OUT"
  fi
  echo "@@ PASS profiled"
}
judge_profile() {
  judge_self "$1"
  if [[ $STATUS == PASS ]]; then
    # "Duration   us   123.45": the value is the last field, the unit the one before.
    local dur sm mem occ regs
    dur=$(grep -m1 -E '^ +Duration ' "$STEP_OUT" | awk '{print $NF " " $(NF-1)}')
    sm=$(grep -m1 -E '^ +Compute \(SM\) Throughput ' "$STEP_OUT" | awk '{print $NF}')
    mem=$(grep -m1 -E '^ +Memory Throughput ' "$STEP_OUT" | awk '{print $NF}')
    occ=$(grep -m1 -E '^ +Achieved Occupancy ' "$STEP_OUT" | awk '{print $NF}')
    regs=$(grep -m1 -E '^ +Registers Per Thread ' "$STEP_OUT" | awk '{print $NF}')
    local ipc
    ipc=$(grep -m1 -E '^ +Issued Ipc Active ' "$STEP_OUT" | awk '{print $NF}')
    DETAIL="$2: duration ${dur:-?}, SM ${sm:-?} %, memory ${mem:-?} %, occupancy ${occ:-?} %, ${regs:-?} regs/thread, issued IPC ${ipc:-?}"
  fi
}

# ---- step 10: the peer a user would write instead, bench/torch_de_peer.py: a batched DE in
# PyTorch (fp64, all problems as one tensor) on step 6's 10,000 problems with the same settings;
# its self-test first (Philox port, resample rows, the pile optimum), then the converged
# problems masked (as asked) and dropped from the tensors (--compact), each a warm-up and
# GPU_CHECK_PEER_REPEATS timed runs. GPU_CHECK_PEER_DEVICE=cpu and GPU_CHECK_PEER_PROBLEMS=200
# make a dry run possible without a GPU; GPU_CHECK_PYTHON names the interpreter (default python3).
peer() {
  local py=${GPU_CHECK_PYTHON:-python3} dev=${GPU_CHECK_PEER_DEVICE:-cuda}
  local problems=${GPU_CHECK_PEER_PROBLEMS:-10000} repeats=${GPU_CHECK_PEER_REPEATS:-3}
  export PYTHONUNBUFFERED=1
  if ! command -v "$py" > /dev/null; then
    echo "@@ SKIP $py not found"
    return
  fi
  local probe tv tcuda tavail
  probe=$("$py" -c 'import torch; print(torch.__version__, torch.version.cuda, torch.cuda.is_available())' 2>&1)
  echo "$py: $("$py" --version 2>&1); torch probe: $probe"
  read -r tv tcuda tavail <<< "$(tail -1 <<< "$probe")"
  if [[ $tavail != True && $tavail != False ]]; then
    echo "@@ SKIP torch not importable by $py: $(grep -v '^$' <<< "$probe" | tail -1 | cut -c1-100)"
    return
  fi
  if [[ $dev == cuda && $tavail != True ]]; then
    echo "@@ SKIP no CUDA device for torch $tv (built for CUDA $tcuda): torch.cuda.is_available() is false (GPU_CHECK_PEER_DEVICE=cpu runs it on the CPU)"
    return
  fi
  local cmd=("$py" bench/torch_de_peer.py --device "$dev")
  echo "--- ${cmd[*]} --self-test"
  "${cmd[@]}" --self-test 2>&1
  local self=$? mode rc failed="" json
  for mode in mask compact; do
    json=$SCRATCH/peer_$mode.json
    local run=("${cmd[@]}" --problems "$problems" --repeats "$repeats" --json)
    [[ $mode == compact ]] && run+=(--compact)
    echo "--- ${run[*]} > $json"
    "${run[@]}" > "$json"
    rc=$?
    cat "$json"
    if ((rc != 0)); then
      failed+=" $mode rc $rc;"
      continue
    fi
    # One line per run for the judge: the fields it reads, by name.
    "$py" - "$json" "$mode" << 'EOF' || failed+=" $mode JSON unreadable;"
import json, sys
s = json.load(open(sys.argv[1]))
g = s["generations"]
print("PEER %s: seconds %.6g evaluations %d rate %.6g problems %d generations %.1f/%d converged %.4f device %s"
      % (sys.argv[2], s["seconds"], s["evaluations"], s["evaluations_per_s"], s["problems"], g["mean"], g["max"],
         s["converged_fraction"], s["device_name"]))
EOF
  done
  ((self != 0)) && failed=" self-test FAILED (rc $self);$failed"
  if [[ -n $failed ]]; then
    echo "@@ FAIL${failed%;}"
  else
    echo "@@ PASS self-test passed"
  fi
}
judge_peer() {
  judge_self "$1"
  [[ $STATUS == SKIP ]] && return
  # Each variant's figures, then the ratio slfit / peer against step 6's "DE only: X s, N
  # evaluations, R /s" (in bench.log when step 6 ran), with the faster peer.
  local mode secs rate probs gens best_rate=0 best_secs="" best_mode="" figures=""
  for mode in mask compact; do
    read -r secs rate probs gens < <(awk -v m="PEER $mode:" 'index($0, m) == 1 {print $4, $8, $10, $12}' "$STEP_OUT" | tail -1)
    [[ -z $secs ]] && continue
    figures+="; $mode ${secs} s, ${rate} evals/s, gens ${gens}"
    if awk -v a="$rate" -v b="$best_rate" 'BEGIN {exit !(a > b)}'; then
      best_rate=$rate best_secs=$secs best_mode=$mode
    fi
  done
  local slfit_line ratio=""
  slfit_line=$(grep -E '^DE only: [0-9.e+-]+ s, [0-9]+ evaluations, [0-9.e+-]+ /s' "$BENCH_LOG" | tail -1)
  if [[ -n $slfit_line && -n $best_mode ]]; then
    ratio=$(awk -v line="$slfit_line" -v rate="$best_rate" -v secs="$best_secs" -v probs="${probs:-0}" \
      -v mode="$best_mode" 'BEGIN {
      split(line, f, " "); s_secs = f[3]; s_rate = f[7]
      out = sprintf("slfit/peer(%s): rate %.3gx", mode, s_rate / rate)
      if (probs == 10000) out = out sprintf(", wall %.3gx", secs / s_secs)
      else out = out " (wall not compared: " probs " problems, slfit 10000)"
      print out " (goal >= 20x)" }')
  elif [[ -n $best_mode ]]; then
    ratio="no slfit ratio (step 6 printed no \"DE only\" line)"
  fi
  DETAIL="${DETAIL}${figures}${ratio:+; $ratio}"
}

# ---- step 11: the CLI on both backends, timed as whole processes, outputs compared field by
# field (all but backend, seconds and timing). The bundled examples must agree in every field:
# fit on Chinchilla, the ParScale bootstrap with the seed's DE settings (2 groups x 5,000
# resamples: 10,000 fits), Chinchilla's 4,000-resample bootstrap with --search global, rescore of
# examples/leaderboards/parallel.json (4 restarts) and examples/sldbench/sldbench.json. Then a
# rescore of bench_rescore.py's 1,000-entry leaderboard (8 families x 125 normalisations: laws
# differing only in numbers share a kernel; 2 restarts), timed, where only the objectives must
# agree (each fit's objective, r2 and status, each entry's test scores; GPU_CHECK_KEY=objectives
# in compare_fits, parameters not among them): among 4,000 fits a DE can take another path
# after a near-tie decided by the last bit of exp/pow (CUDA's against SLEEF's), which changes its
# diagnostics and which restart is kept, not the optimum. All with --separable off: separable
# fits run on the CPU under any backend.
cli_speed() {
  # (functions of their own inside: a step's process knows only its function, gtest and compare_fits)
  local lines=$SCRATCH/cli_lines.txt
  : > "$lines"
  say() { echo "$*"; echo "$*" >> "$lines"; }
  cli_pair() {  # name, strict|key, then slfit arguments; the JSON output's flag is the last argument
    local name=$1 strict=$2 b rc t0 us secs_cpu='?' secs_cuda='?' verdict
    shift 2
    for b in cpu cuda; do
      echo "--- slfit $* $SCRATCH/${name}_$b.json --backend $b"
      t0=${EPOCHREALTIME/./}
      "$SLFIT" "$@" "$SCRATCH/${name}_$b.json" --backend "$b" --quiet 2> "$SCRATCH/${name}_$b.err"
      rc=$?
      us=$((${EPOCHREALTIME/./} - t0))
      tail -5 "$SCRATCH/${name}_$b.err"
      echo "rc=$rc wall=$((us / 1000)) ms"
      if ((rc != 0)); then
        say "CLI $name: $b rc $rc: $(grep -v '^$' "$SCRATCH/${name}_$b.err" | tail -1 | cut -c1-100)"
        return
      fi
      if [[ $b == cpu ]]; then secs_cpu=$((us / 1000)); else secs_cuda=$((us / 1000)); fi
    done
    GPU_CHECK_KEY=$([[ $strict == key ]] && echo objectives) \
      compare_fits "$SCRATCH/${name}_cpu.json" "$SCRATCH/${name}_cuda.json" > "$SCRATCH/${name}_cmp.txt"
    head -20 "$SCRATCH/${name}_cmp.txt"
    tail -2 "$SCRATCH/${name}_cmp.txt"
    verdict=$(grep '^compared ' "$SCRATCH/${name}_cmp.txt" | sed 's/ (relative[^)]*)//; s/compared //')
    say "CLI $name ($strict): cpu ${secs_cpu} ms, cuda ${secs_cuda} ms; $verdict"
  }
  local seed=(--popsize 20 --maxiter 500 --tol 1e-11 --atol 1e-11 --separable off --method percentile)
  cli_pair fit_chinchilla strict fit --data examples/chinchilla/train.csv --law chinchilla --separable off --out
  cli_pair boot_parscale strict bootstrap --data examples/parscale/train.csv --law parallel_power --group group \
    --resamples 5000 "${seed[@]}" --out
  cli_pair boot_chinchilla strict bootstrap --data examples/chinchilla/train.csv --law chinchilla --resamples 4000 \
    --search global "${seed[@]}" --out
  cli_pair rescore_parallel strict rescore --manifest examples/leaderboards/parallel.json --restarts 4 \
    --separable off --out "$SCRATCH/parallel.csv" --json
  cli_pair rescore_sldbench strict rescore --manifest examples/sldbench/sldbench.json --separable off \
    --out "$SCRATCH/sldbench.csv" --json
  local manifest=$SCRATCH/leaderboard.json
  if "${GPU_CHECK_PYTHON:-python3}" -c "
import sys; sys.path.insert(0, 'bench')
from pathlib import Path
import bench_rescore as br
br.write_manifest(Path('$manifest'), br.law_variants(1000), Path('examples/parscale/train.csv').resolve(),
                  Path('examples/parscale/test.csv').resolve())" 2>&1; then
    cli_pair rescore_1000 key rescore --manifest "$manifest" --restarts 2 --separable off --out "$SCRATCH/scores.csv" --json
  else
    say "CLI rescore: no manifest (python3 with numpy and scipy needed to build it)"
  fi
  local failed
  failed=$(grep '^CLI ' "$lines" | grep -v ' 0 key fields differ, 0 other fields differ' |
    grep -v '^CLI [a-z_0-9]* (key): .* 0 key fields differ' | cut -c5- | tr '\n' ';')
  if [[ -n $failed ]]; then
    echo "@@ FAIL $failed"
  else
    echo "@@ PASS $(grep '^CLI ' "$lines" | cut -c5- | sed 's/; \([0-9]*\) fields: 0 key fields differ, \([0-9]*\) other.*/ (\1 fields, \2 other differ)/' | tr '\n' ';')"
  fi
}
judge_cli_speed() { judge_self "$1"; }

# ---- step 12: the register cap of the device code (SLFIT_CUDA_MAX_REGISTERS; 0: none) against
# step 6's rates: with fewer registers more blocks share a multiprocessor, at the price of
# spilling. Each cap is a fresh process and compile; the DE's energies are checked against the
# CPU's under each capped build too (step 5's test), since a cap must not change a result.
regcap_sweep() {
  local cap line rates=""
  for cap in ${GPU_CHECK_REGISTER_CAPS:-0 64 72 80 96}; do
    echo "--- SLFIT_CUDA_MAX_REGISTERS=$cap"
    SLFIT_CUDA_MAX_REGISTERS=$cap "$TESTS" --gtest_color=no --gtest_also_run_disabled_tests \
      --gtest_filter='CudaDevice.DISABLED_SpeedParscale10k:CudaDevice.DeEnergiesMatchTheCpuAndRefinementIsNoWorse' \
      2>&1 | tee "$SCRATCH/regcap.out"
    if grep -q '^\[  SKIPPED \] CudaDevice' "$SCRATCH/regcap.out"; then
      echo "@@ SKIP $(grep -m1 -oE 'no usable CUDA device: .*' "$SCRATCH/regcap.out" | cut -c1-100)"
      return
    fi
    if ! grep -q '^\[  PASSED  \] 2 tests' "$SCRATCH/regcap.out"; then
      echo "@@ FAIL cap $cap: $(grep -E '^\[  FAILED  \]' "$SCRATCH/regcap.out" | head -1 | cut -c1-100)"
      return
    fi
    line=$(sed -n 's/.*DE kernels only (device events): [^,]*, \([^ ]*\) evaluations.*/\1/p' "$SCRATCH/regcap.out")
    rates+="cap $cap: DE $line /s, plain $(sed -n 's/^plain evaluation kernel: \([^ ]*\) .*/\1/p' "$SCRATCH/regcap.out") /s; "
  done
  echo "@@ PASS ${rates%; }"
}
judge_regcap_sweep() { judge_self "$1"; }

skip_tool() {  # id name log tool
  local looked=LOOKED_${4//-/_}
  [[ $STEPS == *" ${1%[abc]} "* ]] || return 0
  record "$1" "$2" SKIP 0 "$4 not found; looked in: ${!looked}"
  printf '\n==== [%s] %s ====\nSKIP: %s not found; looked in: %s\n' "$1" "$2" "$4" "${!looked}" >> "$3"
  echo "[$1] $2: SKIP ($4 not found)"
}

# ---------------------------------------------------------------------------------------------
echo "gpu_check: bundle $(sed -n 's/^revision: //p' .device/REVISION 2> /dev/null), GPU: ${GPU_NAME:-none visible}, budget ${BUDGET} s, logs in $OUT"
step 1 "environment, ldd, tools" "$ENV_LOG" 5 40 environment
step 2 "Philox, predictions, variants" "$TESTS_LOG" 20 120 gtest \
  --gtest_filter='CudaDevice.PhiloxDrawsEqualHostDraws:CudaDevice.LawPredictionsAndTermsMatchTheCpu:CudaDevice.VariantsOfOneFormulaRunInOneLaunchEachWithItsOwnNumbers'
step 3 "fit --backend cpu vs cuda, field by field" "$FITS_LOG" 15 90 fits
for id_tool in 4a:memcheck 4b:racecheck 4c:synccheck; do
  id=${id_tool%:*} tool=${id_tool#*:}
  if [[ -n $SANITIZER ]]; then
    step "$id" "compute-sanitizer $tool (small fit)" "$SAN_LOG" 20 90 sanitize "$tool"
  else
    skip_tool "$id" "compute-sanitizer $tool (small fit)" "$SAN_LOG" compute-sanitizer
  fi
done
step 5 "DE, mixed batch, surface, CliBackend" "$TESTS_LOG" 40 180 gtest \
  --gtest_filter='CudaDevice.DeEnergiesMatchTheCpuAndRefinementIsNoWorse:CudaDevice.MixedLawBatchRunsAsSeparateLaunchesInBatchOrder:CudaDevice.SurfaceValuesMatchTheCpu:CliBackend.*'
step 6 "speed benchmark (10k ParScale resamples)" "$BENCH_LOG" 40 180 speed
step 7 "million problems through chunking" "$TESTS_LOG" 40 150 gtest \
  --gtest_filter=CudaDevice.MillionProblemsRunThroughChunking
if [[ -n $SANITIZER ]]; then
  step 8 "compute-sanitizer initcheck (small fit)" "$SAN_LOG" 20 90 sanitize initcheck
else
  skip_tool 8 "compute-sanitizer initcheck (small fit)" "$SAN_LOG" compute-sanitizer
fi
if [[ -n $NCU ]]; then
  step 9a "ncu: one slfit_de launch (--set full)" "$NCU_LOG" 30 120 profile slfit_de 1 keep "$SLFIT" bootstrap \
    --data examples/parscale/train.csv --law parallel_power --group group --resamples 1000 --method percentile \
    --maxiter 50 --quiet --backend cuda --separable off --out "$SCRATCH/boot.json"
  # The plain evaluation kernel of step 6 on its 10,000 problems (its first launch, the warm-up).
  step 9b "ncu: the plain evaluation kernel (--set full)" "$NCU_LOG" 30 120 profile slfit_evaluate 0 drop "$TESTS" \
    --gtest_color=no --gtest_also_run_disabled_tests --gtest_filter=CudaDevice.DISABLED_SpeedParscale10k
else
  skip_tool 9 "ncu: the DE and plain evaluation kernels" "$NCU_LOG" ncu
fi
step 10 "PyTorch batched DE peer (10k resamples)" "$BENCH_LOG" 20 120 peer
step 11 "CLI bulk jobs: cpu vs cuda, timed, compared" "$BENCH_LOG" 30 150 cli_speed
step 12 "register cap sweep (DE and plain rates)" "$BENCH_LOG" 20 120 regcap_sweep

# Logs stay under the 16 MiB a returned file may have.
for f in "$OUT"/*; do
  (($(stat -c %s "$f") > 15 * 1024 * 1024)) && truncate -s 15M "$f" && echo "[truncated at 15 MiB]" >> "$f"
done
rm -rf "$SCRATCH"
echo
echo "==== summary ($(elapsed_s) s of ${BUDGET} s; logs: $(cd "$OUT" && ls | tr '\n' ' '))"
cat "$SUMMARY"
((BAD == 0))

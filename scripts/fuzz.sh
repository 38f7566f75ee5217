#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/*_fuzzer.cpp) with clang into build-fuzz/ and runs each
# for a bounded time: SLFIT_FUZZ_SECONDS per harness (default 60). The seed corpus in
# fuzz/corpus/<target>/ and the fixed crashes in fuzz/regressions/<target>/ are read, never
# written; inputs the fuzzer adds go to build-fuzz/corpus/<target>/. A crash, hang or sanitizer
# report fails the script and leaves the input in build-fuzz/crashes/<target>/: after fixing it,
# copy it to fuzz/regressions/<target>/, where tests/test_fuzz_regressions.cpp replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${SLFIT_FUZZ_SECONDS:-60}

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f build-fuzz/CMakeCache.txt ]]; then
  cmake -S . -B build-fuzz "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLFIT_FUZZ=ON -DSLFIT_TESTS=OFF -DSLFIT_CUDA=OFF
fi
cmake --build build-fuzz --target slfit_fuzzers --parallel "$(nproc)"

status=0
for harness in fuzz/*_fuzzer.cpp; do
  target=$(basename "$harness" _fuzzer.cpp)
  mkdir -p "build-fuzz/corpus/$target" "build-fuzz/crashes/$target" build-fuzz/logs
  inputs=("build-fuzz/corpus/$target" "fuzz/corpus/$target")
  [[ -d fuzz/regressions/$target ]] && inputs+=("fuzz/regressions/$target")
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix="build-fuzz/crashes/$target/")
  [[ -f fuzz/$target.dict ]] && options+=(-dict="fuzz/$target.dict")
  log=build-fuzz/logs/$target.log
  echo "fuzz: $target for ${seconds} s (log: $log)" >&2
  if "./build-fuzz/fuzz/${target}_fuzzer" "${options[@]}" "${inputs[@]}" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$log" >&2 || true
  else
    echo "fuzz: $target FAILED; the input is in build-fuzz/crashes/$target/" >&2
    tail -n 60 "$log" >&2
    status=1
  fi
done
exit "$status"

#!/usr/bin/env bash
# The whole test suite again, built with AddressSanitizer and UndefinedBehaviorSanitizer into
# build-asan/ (CPU path: CUDA off; MPI off, as Open MPI's own allocations would be reported as
# leaks). Any sanitizer report aborts the process that made it, so the
# test that ran it fails. Expects the dependencies to be installed (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# -O1 -g1 (line tables): what the sanitizers' reports need, file and line in every frame, at
# half the compile time of RelWithDebInfo's -O2 -g (this build was 15 of CI's 40 minutes).
if [[ ! -f build-asan/CMakeCache.txt ]]; then
  cmake -S . -B build-asan "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
    -DSLFIT_SANITIZE=ON -DSLFIT_CUDA=OFF -DSLFIT_MPI=OFF -DSLFIT_TESTS=ON
fi
cmake --build build-asan --parallel "$(nproc)"

# abort_on_error: a report kills the process with SIGABRT rather than exiting with code 1, so a
# CLI test cannot mistake it for one of slfit's exit codes.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
ctest --test-dir build-asan --output-on-failure --parallel "$(nproc)" --timeout 600

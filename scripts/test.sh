#!/usr/bin/env bash
# Installs the dependencies, builds slfit with its tests and runs the whole suite.
# Tests that need a GPU skip themselves where none is present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh -DSLFIT_TESTS=ON
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 600
# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer, then each libFuzzer
# harness for a bounded time: SLFIT_FUZZ_SECONDS, 30 here (scripts/fuzz.sh alone: 60), which
# keeps the whole run under CI's 40 minutes.
bash scripts/test-sanitized.sh
SLFIT_FUZZ_SECONDS=${SLFIT_FUZZ_SECONDS:-30} bash scripts/fuzz.sh
# slfit cross-built for arm64 and run under qemu-user: the NEON kernels, the numerics' suites, and
# whole CLI jobs compared with this build's bit for bit.
bash scripts/test-arm64.sh

#!/usr/bin/env bash
# Builds slfit with the CUDA backend (sm_80 and sm_90) on this machine and gathers what a GPU
# machine needs to run it into .device/: the binaries and the one shared library its image lacks
# (Boost.Program_options). The GPU machine reaches no package registry, and its newer C library
# runs binaries built here. Pass .device in the device tool's `carry`; bench/gpu_check.sh uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build-device -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLFIT_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES="80-real;90" -DSLFIT_TESTS=ON
cmake --build build-device --parallel "$(nproc)" --target slfit slfit_tests
rm -rf .device
mkdir -p .device/lib
cp build-device/slfit build-device/slfit_tests .device/
cp "$(ldd build-device/slfit | awk '/libboost_program_options/ {print $3}')" .device/lib/
du -sh .device

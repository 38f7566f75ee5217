#!/usr/bin/env bash
# One call on a GPU machine: build for sm_90, run the CUDA tests, compute-sanitizer memcheck and
# racecheck on a small batch, and the speed benchmark; everything is written to $OUT (default
# ./gpu_check_out). Usage (from the repository root): bash bench/gpu_check.sh
# With .device/ present (scripts/device-bundle.sh, carried by the device tool) it runs that build;
# otherwise it builds here, which needs slfit's build dependencies installed.
set -uo pipefail
OUT=${OUT:-$PWD/gpu_check_out}
mkdir -p "$OUT"
# The device tool returns at most 8 files from $OUT: the NVRTC cache and fit outputs stay in /tmp.
export XDG_CACHE_HOME=/tmp/slfit-gpu-cache
SCRATCH=$(mktemp -d)
{ nvidia-smi; nvcc --version; } > "$OUT/device.txt" 2>&1
if [[ -x .device/slfit ]]; then
  # Built elsewhere by scripts/device-bundle.sh and carried here (this machine has no Boost or
  # GoogleTest packages and no registry to fetch them from).
  BUILD=.device
  export LD_LIBRARY_PATH="$PWD/.device/lib:/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export SLFIT_BINARY="$PWD/.device/slfit" SLFIT_SOURCE_DIR="$PWD"
else
  BUILD=build-gpu
  cmake -S . -B $BUILD -G Ninja -DCMAKE_CUDA_ARCHITECTURES=90 > "$SCRATCH/build.log" 2>&1 &&
    ninja -C $BUILD -j16 >> "$SCRATCH/build.log" 2>&1 || { echo "build failed"; tail -30 "$SCRATCH/build.log"; exit 1; }
fi
T=$BUILD/slfit_tests
$T --gtest_filter='Cuda*' > "$OUT/tests.log" 2>&1; echo "cuda tests: rc=$?" | tee "$OUT/summary.txt"
# The sanitizers on a small batch: the law probe and the 3-generation chunking path shrunk by
# running only the probe and Philox tests plus a small fit through the CLI.
SAN=/usr/local/cuda/bin/compute-sanitizer
for tool in memcheck racecheck; do
  $SAN --tool $tool --error-exitcode 9 $BUILD/slfit fit --data examples/parscale/train.csv --law parallel_power \
    --group group --backend cuda --maxiter 30 --out "$SCRATCH/fit_$tool.json" > "$OUT/sanitizer_$tool.log" 2>&1
  echo "compute-sanitizer $tool (slfit fit, 4 groups, 30 generations): rc=$?" | tee -a "$OUT/summary.txt"
done
$T --gtest_also_run_disabled_tests --gtest_filter='CudaDevice.DISABLED_SpeedParscale10k' > "$OUT/bench.log" 2>&1
echo "speed benchmark: rc=$?" | tee -a "$OUT/summary.txt"
grep -E "law:|NVRTC|end to end|time split|DE only|plain|matching" "$OUT/bench.log" "$OUT/tests.log" | tee -a "$OUT/summary.txt"
grep -E "FAILED|SKIPPED" "$OUT/tests.log" | head -20 | tee -a "$OUT/summary.txt"
( time $BUILD/slfit fit --data examples/parscale/train.csv --law parallel_power --group group --backend cpu \
    --out "$SCRATCH/fit_cpu.json" ) 2> "$OUT/fits.txt"
$BUILD/slfit fit --data examples/parscale/train.csv --law parallel_power --group group --backend cuda \
  --out "$SCRATCH/fit_cuda.json" 2>> "$OUT/fits.txt"; echo "fit --backend cuda: rc=$?" | tee -a "$OUT/summary.txt"

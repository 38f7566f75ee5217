#!/usr/bin/env bash
# Builds slfit with the CUDA backend (sm_80 and sm_90, tests on; MPI off: the GPU machine has no
# MPI launcher, and Open MPI's libraries would only weigh on the carry) in build-device/ on this
# machine and gathers what a GPU machine needs to run it into .device/ (both git-ignored):
#   slfit, slfit_tests     the binaries (a carry need not keep the executable bit; gpu_check.sh
#                          copies them to a scratch folder and chmods them there)
#   lib/                   every shared library ldd resolves outside the CUDA toolkit and the base
#                          C/C++ runtime (libc, libm, libstdc++, libgcc_s, ...): Boost.Program_options
#                          and libgomp today. NVRTC (about 105 MiB, over the device tool's 64 MiB
#                          carry) is not carried: the GPU machine's own CUDA 13.0 toolkit has it.
#   REVISION               git revision (+ "-dirty"), toolkit version, the CUDA include folder
#                          NVRTC was built to read, architectures, build date
#   SOURCES.sha256         the build inputs' checksums: gpu_check.sh names any source edited since
# The GPU machine reaches no package registry, and its newer C library runs binaries built here.
# Pass .device in the device tool's `carry`; bench/gpu_check.sh uses it.
#
# No NVRTC cache is pre-warmed: a kernel's cache key is the exact generated source, options and
# NVRTC version, which only the backend produces for a probed device, and the tests compile without
# a cache, so warming it here would need a new build target; a cold compile costs seconds per law
# on the GPU machine (and is being made faster). gpu_check.sh copies .device/cache (an
# XDG_CACHE_HOME: cache/slfit/<key>.cubin) into its cache if one is ever added.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build-device -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLFIT_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES="80-real;90" -DSLFIT_TESTS=ON -DSLFIT_MPI=OFF
cmake --build build-device --parallel "$(nproc)" --target slfit slfit_tests
rm -rf .device
mkdir -p .device/lib
cp build-device/slfit build-device/slfit_tests .device/

for bin in slfit slfit_tests; do
  if ldd "build-device/$bin" | grep 'not found'; then
    echo "device-bundle: $bin has unresolved libraries here" >&2
    exit 1
  fi
done
# soname => path, for both binaries.
{ ldd build-device/slfit; ldd build-device/slfit_tests; } | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | sort -u |
  while read -r soname path; do
    case $soname in
      linux-vdso* | ld-linux* | libc.so* | libm.so* | libstdc++.so* | libgcc_s.so* | libpthread.so* | librt.so* | \
        libdl.so* | libutil.so* | libresolv.so*) continue ;;  # the base C/C++ runtime
    esac
    case $(readlink -f "$path") in
      /usr/local/cuda*)
        echo "device-bundle: not bundled: $soname ($path, the GPU machine's CUDA toolkit has it)"
        continue
        ;;
    esac
    cp -L "$path" ".device/lib/$soname"
    echo "device-bundle: bundled $soname from $path"
  done

nvcc=$(sed -n 's/^set(CMAKE_CUDA_COMPILER "\(.*\)")$/\1/p' build-device/CMakeFiles/*/CMakeCUDACompiler.cmake | head -1)
[[ -x $nvcc ]] || nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
include=$(grep -o -m1 'SLFIT_CUDA_INCLUDE_DIR=[^ ]*' build-device/compile_commands.json | sed 's/^[^=]*=//; s/[\\"]//g')
dirty=$(git status --porcelain 2> /dev/null | grep -q . && echo -dirty || true)
{
  echo "revision: $(git rev-parse HEAD 2> /dev/null || echo unknown)$dirty"
  echo "toolkit: $("$nvcc" --version | tail -n 2 | tr '\n' ' ' | sed 's/ *$//')"
  echo "cuda_include_dir: $include"
  echo "cuda_architectures: $(sed -n 's/^CMAKE_CUDA_ARCHITECTURES:[A-Z]*=//p' build-device/CMakeCache.txt)"
  echo "built: $(date -u +%FT%TZ) on $(uname -n), $(ldd --version | head -1)"
} > .device/REVISION
# The build's inputs, as the GPU machine's copy of the tree can check them.
git ls-files --cached --others --exclude-standard -- CMakeLists.txt cmake host include kernels tests fuzz |
  while read -r f; do [[ -f $f ]] && echo "$f"; done | xargs -d '\n' sha256sum > .device/SOURCES.sha256

cat .device/REVISION
du -sh .device/*
du -sh .device
size=$(du -sm .device | cut -f1)
((size < 48)) || echo "device-bundle: WARNING: .device is ${size} MiB; the device tool carries 64 MiB with the tree" >&2

#!/usr/bin/env bash
# slfit on arm64 without an arm64 machine: built by Debian's cross compiler into build-arm64/ and
# run under qemu-user. Checks the NEON table (host/simd/neon.cpp) and what stands on it:
#   1. the test suites of the CPU's numerics (vector math, Philox, DE, L-BFGS-B, the Newton polish,
#      objectives, separable solving, pipelines), run on arm64 under qemu;
#   2. whole CLI jobs on the bundled examples, arm64 against this machine's x86-64 build
#      (build/slfit, from scripts/build.sh): every field of the outputs but timings, bit for bit.
# Emulation is slow (about 10x), so the suites are the numerics' and the jobs small; everything
# else is platform-independent C++ that the native suites cover.
#
# The arm64 libraries (SLEEF, Boost.Program_options, GoogleTest) and the header-only ones (Eigen,
# LBFGSpp, nlohmann-json) are Debian's packages, downloaded and unpacked into build-arm64/sysroot;
# nothing of arm64 is installed on this machine. Needs root (or sudo) for apt, like
# scripts/install-deps.sh, and build/slfit for step 2.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
sysroot=$root/build-arm64/sysroot

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)

# The cross compiler and the emulator, from Debian's packages.
missing=()
for p in g++-aarch64-linux-gnu qemu-user; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "test-arm64: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The arm64 tree. apt reads arm64's package lists for this one download only
# (APT::Architectures on its command line): dpkg's own architectures stay as they are.
arm64_packages=(libsleef3 libsleef-dev libgtest-dev libgmock-dev libboost-program-options1.74.0
                libboost-program-options1.74-dev libboost1.74-dev)
header_packages=(libeigen3-dev liblbfgspp-dev nlohmann-json3-dev)
if [[ ! -f $sysroot/.complete ]]; then
  echo "test-arm64: unpacking Debian's arm64 packages into $sysroot" >&2
  rm -rf "$sysroot" "$root/build-arm64/debs"
  mkdir -p "$sysroot" "$root/build-arm64/debs"
  arches=(-o APT::Architectures::=amd64 -o APT::Architectures::=arm64)
  "${sudo_cmd[@]}" apt-get "${arches[@]}" update -qq
  if ! (cd "$root/build-arm64/debs" &&
        apt-get "${arches[@]}" download "${arm64_packages[@]/%/:arm64}" "${header_packages[@]}") \
        >"$root/build-arm64/download.log" 2>&1; then
    cat "$root/build-arm64/download.log" >&2
    echo "test-arm64: could not download Debian's arm64 packages" >&2
    exit 1
  fi
  for deb in "$root"/build-arm64/debs/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
  touch "$sysroot/.complete"
fi

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# The numerics' test files, the only ones built for arm64 (CMake's SLFIT_TEST_FILES).
test_files=(test_vector_math test_philox test_differential_evolution test_lbfgsb test_newton_polish test_objective
            test_separable test_log_scale test_multi_output test_fit_batch test_refinement_restarts
            test_bootstrap_intervals test_uncertainty)
if [[ ! -f build-arm64/CMakeCache.txt ]]; then
  cmake -S . -B build-arm64 "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/aarch64-linux-gnu.cmake" -DSLFIT_ARM64_SYSROOT="$sysroot" \
    -DSLFIT_CUDA=OFF -DSLFIT_MPI=OFF -DSLFIT_PYTHON=OFF -DSLFIT_TESTS=ON
fi
cmake -S . -B build-arm64 -DSLFIT_TEST_FILES="$(IFS=';'; echo "${test_files[*]}")" >/dev/null
cmake --build build-arm64 --parallel "$(nproc)" --target slfit slfit_tests

# The arm64 CLI as one command for the tests (tests/cli_runner.hpp runs SLFIT_BINARY) and step 2.
emulated=(qemu-aarch64 -L /usr/aarch64-linux-gnu -E "LD_LIBRARY_PATH=$sysroot/usr/lib/aarch64-linux-gnu")
cat >build-arm64/slfit-emulated <<EOF
#!/bin/sh
exec ${emulated[*]} "$root/build-arm64/slfit" "\$@"
EOF
chmod +x build-arm64/slfit-emulated
echo "test-arm64: $(build-arm64/slfit-emulated --version | head -n 1)" >&2

# 1. The numerics' tests on arm64.
SLFIT_BINARY=$root/build-arm64/slfit-emulated "${emulated[@]}" build-arm64/slfit_tests --gtest_brief=1

# 2. Whole jobs, arm64 against x86-64.
bash scripts/compare-architectures.sh build/slfit build-arm64/slfit-emulated

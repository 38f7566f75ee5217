#!/usr/bin/env bash
# Installs slfit's build and test dependencies from Debian's packages. Idempotent:
# packages already present are skipped, so a second run costs one dpkg query.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-program-options-dev
  libgtest-dev
  liblbfgspp-dev libeigen3-dev
  nlohmann-json3-dev
  libomp-dev
  python3 python3-numpy python3-scipy
  pybind11-dev python3-pandas python3-pytest python3-venv python3-setuptools   # the Python package
  python3-matplotlib                                                           # its plots
  clang libclang-rt-14-dev   # the libFuzzer harnesses (scripts/fuzz.sh): clang and its fuzzer runtime
  libsleef-dev              # vectorised exp, log, pow (the law's evaluation on the CPU)
  libopenmpi-dev openmpi-bin # the MPI driver (mpirun -n K slfit ...) and its tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

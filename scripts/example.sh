#!/usr/bin/env bash
# Installs the dependencies, builds slfit and runs the main job on the bundled ParScale example:
# the seed's law fitted per corpus on P <= 4 and scored on the held-out P = 8 runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/slfit fit --data examples/parscale/train.csv --test examples/parscale/test.csv \
  --group group --law parallel_power

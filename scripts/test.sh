#!/usr/bin/env bash
# Installs what is missing, builds everything with the dev preset (warnings as errors, ASan + UBSan)
# and runs every test with ctest. Set REDLINE_PRESET=release to test the optimized build instead.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${REDLINE_PRESET:-dev}"
scripts/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" --timeout 600 -j2

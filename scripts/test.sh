#!/usr/bin/env bash
# Installs what is missing, builds everything with the dev preset (warnings as errors, ASan + UBSan)
# and runs every test with ctest. Set REDLINE_PRESET=release to test the optimized build instead.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${REDLINE_PRESET:-dev}"
# ccache (installed by install-deps.sh) shares objects between clones in different folders: paths are
# hashed relative to the folder above the clone, and the build folder is not part of the hash.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(cd .. && pwd)}" CCACHE_NOHASHDIR=1
scripts/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" --timeout 600 -j2

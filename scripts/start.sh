#!/usr/bin/env bash
# Quick start: installs what is missing, builds the release preset, and runs redlined in the foreground
# on config/redline.toml with the embedded SQLite store under ./state/. Extra arguments go to redlined
# (e.g. --once).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target redlined redline
mkdir -p state
exec build/release/daemon/redlined --config config/redline.toml "$@"

#!/bin/sh
# The long crash test: tests/integration's CrashTest with 200 SIGKILLs (ctest runs 20).
#   tests/bench/crash-test.sh [BUILD_DIR] [KILLS]      (defaults: build/dev, 200)
# Needs the integration_test, redlined and redline targets built in BUILD_DIR.
set -eu
build=${1:-build/dev}
kills=${2:-200}
REDLINE_CRASH_KILLS=$kills exec "$build/tests/integration/integration_test" \
  --gtest_filter='CrashTest.*'

#!/usr/bin/env bash
# Installs every Debian 12 package redline needs to build, test and benchmark.
# Idempotent: packages already present are skipped; apt-get runs only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev libboost-system-dev libcurl4-openssl-dev libdtl-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev googletest
  libxml2-dev libsqlite3-dev sqlite3 libtomlplusplus-dev nlohmann-json3-dev libicu-dev
  libzstd-dev libsystemd-dev libcli11-dev libssl-dev zlib1g-dev libre2-dev libpq-dev postgresql-15
  python3 time curl nginx-light systemd clang-format ccache urlwatch
  pandoc debhelper dpkg-dev lintian man-db bash-completion
  prometheus-cpp-dev python3-feedparser python3-jsonschema python3-yaml newsboat prometheus wrk
  chromium chromium-driver python3-selenium fonts-wqy-microhei
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs the build into a staging prefix and checks the unit file with systemd-analyze verify.
set -euo pipefail
build="$1"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cmake --install "$build" --prefix "$stage/usr" >/dev/null
unit="$stage/usr/lib/systemd/system/redline.service"
test -f "$unit"
# The unit names the installed binaries; point it at the staged ones so verify can find them.
sed -i -e "s|ExecStart=[^ ]*/redlined|ExecStart=$stage/usr/sbin/redlined|" \
  -e "s|ExecReload=[^ ]*/redline |ExecReload=$stage/usr/bin/redline |" "$unit"
test -x "$stage/usr/sbin/redlined"
test -x "$stage/usr/bin/redline"
grep -q "^ExecReload=$stage/usr/bin/redline config check" "$unit"
test -f "$stage/usr/etc/redline/redline.toml"
out="$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$unit" 2>&1)" || { echo "$out"; exit 1; }
# verify exits 0 on some warnings; treat any output about our unit as a failure.
if grep -i "redline.service" <<<"$out"; then exit 1; fi
echo "systemd-analyze verify: ok"

#!/usr/bin/env bash
# The Debian package, end to end, on this machine (as root): builds the .deb (scripts/package.sh, which
# runs lintian), installs it with dpkg, checks what it installed (versions, man pages, completion,
# the unit with systemd-analyze verify and security), runs `redlined --once` from the edited conffile
# against a local site, upgrades over itself with a newer version keeping the store and the edited
# conffile, then purges it and checks that nothing is left.
# Runs only when REDLINE_TEST_PACKAGE=1 (.ci/run sets it): it changes the machine. Exit 77 = skipped.
# REDLINE_PACKAGE_DEB=FILE tests that .deb instead of building one.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)

if [ "${REDLINE_TEST_PACKAGE:-0}" != 1 ]; then
  echo "skipped: set REDLINE_TEST_PACKAGE=1 to build, install, upgrade and purge the .deb on this machine"
  exit 77
fi
if [ "$(id -u)" != 0 ]; then
  echo "skipped: installing the package needs root"
  exit 77
fi
if dpkg-query -W -f='${Status}' redline 2>/dev/null | grep -q installed; then
  echo "FAIL: a redline package is installed already; this test would replace and purge it"
  exit 1
fi

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  dpkg_locked --purge redline >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
step() { echo "== $*"; }
# dpkg, waiting (up to 10 min) while another process (apt) holds its lock instead of failing.
dpkg_locked() {
  local i
  for i in $(seq 600); do
    if dpkg "$@" 2>"$tmp/dpkg.err"; then return 0; fi
    grep -q "lock" "$tmp/dpkg.err" || { cat "$tmp/dpkg.err" >&2; return 1; }
    sleep 1
  done
  cat "$tmp/dpkg.err" >&2
  return 1
}
fail() {
  echo "FAIL: $*"
  exit 1
}

if [ -n "${REDLINE_PACKAGE_DEB:-}" ]; then  # a .deb built already (by scripts/package.sh)
  step "lint $REDLINE_PACKAGE_DEB"
  deb=$REDLINE_PACKAGE_DEB
  lintian --fail-on error,warning "$deb"
else
  step "build the package (release preset) and lint it"
  deb=$("$root/scripts/package.sh" | tail -1)
fi
[ -f "$deb" ] || fail "scripts/package.sh printed no .deb path: $deb"
version=$(dpkg-deb -f "$deb" Version)
echo "$deb ($version)"
dpkg-deb -f "$deb" Depends | grep -q "libcurl" || fail "Depends does not come from dpkg-shlibdeps: $(dpkg-deb -f "$deb" Depends)"

step "install"
dpkg_locked -i "$deb"
redline --version | tee "$tmp/version"
for lib in "redline $version" libcurl SQLite libxml2 ICU zstd Boost "store schema"; do
  grep -q "^$lib" "$tmp/version" || fail "redline --version does not name $lib"
done
/usr/sbin/redlined --version | head -1 | grep -q "^redlined $version" || fail "redlined --version"
for page in "1 redline" "8 redlined" "5 redline.toml"; do
  man -w $page >/dev/null || fail "no man page $page"
done
man -w redline
test -f /usr/share/doc/redline/webhook-payload.schema.json || fail "no webhook schema in /usr/share/doc/redline"
test -f /usr/share/doc/redline/copyright || fail "no copyright file"
grep -q "/etc/redline/redline.toml" /var/lib/dpkg/info/redline.conffiles || fail "redline.toml is not a conffile"
if [ -f /usr/share/bash-completion/bash_completion ]; then
  words=$(bash -c 'source /usr/share/bash-completion/bash_completion; source /usr/share/bash-completion/completions/redline
    COMP_WORDS=(redline con); COMP_CWORD=1; COMP_LINE="redline con"; COMP_POINT=${#COMP_LINE}; _redline; echo "${COMPREPLY[*]}"')
  [ "$words" = config ] || fail "bash completion of 'redline con' gave '$words'"
fi

step "the unit"
unit=/lib/systemd/system/redline.service
test -f "$unit" || fail "no $unit"
out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $out"
! grep -i "redline" <<<"$out" || fail "systemd-analyze verify: $out"
exposure=$(systemd-analyze security --offline=true "$unit" 2>&1 | sed -n 's/.*Overall exposure level for redline.service: \([0-9.]*\).*/\1/p')
echo "exposure $exposure"
python3 -c "import sys; sys.exit(0 if float('$exposure') <= 1.5 else 1)" || fail "exposure $exposure > 1.5"
test -L /etc/systemd/system/multi-user.target.wants/redline.service || fail "the unit was not enabled (deb-systemd-helper)"

step "the packaged configuration: valid and inert"
redline config check --config /etc/redline/redline.toml >"$tmp/check" || fail "config check: $(cat "$tmp/check")"
head -1 /etc/redline/redline.toml | grep -q "watches nothing until" || fail "the conffile does not say it is inert"

step "redlined --once on the edited conffile, against a local site"
mkdir -p "$tmp/site/news"
cat >"$tmp/site/news/bridge.html" <<'HTML'
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bridge reopens after repairs</title></head>
<body><article><h1>Bridge reopens after repairs</h1><p class="byline">By Ann Reporter</p>
<p>The old bridge reopened on Friday after six months of repairs, the council said in a statement on its website.</p>
<p>Traffic is expected to return to normal by the end of next week, officials added, thanking residents for their patience.</p>
</article></body></html>
HTML
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$tmp/site" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/news/bridge.html" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/news/bridge.html"
printf '\n[[watch]]\nurl = "%s"\nevery = "1h"\n' "$url" >>/etc/redline/redline.toml
redline config check --quiet || fail "the edited conffile does not check"
/usr/sbin/redlined --once 2>"$tmp/once.log" || fail "redlined --once: $(cat "$tmp/once.log")"
grep -q "round done: 1 checked, 0 failed, 1 new" "$tmp/once.log" || fail "redlined --once: $(cat "$tmp/once.log")"
test -f /var/lib/redline/redline.db || fail "the store is not in /var/lib/redline"
redline log "$url" | grep -q "Bridge reopens after repairs" || fail "redline log shows no version"

step "upgrade over itself with a newer version"
dpkg-deb -R "$deb" "$tmp/pkg"
sed -i "s/^Version: .*/Version: ${version}+upgrade1/" "$tmp/pkg/DEBIAN/control"
dpkg-deb -b "$tmp/pkg" "$tmp/redline_${version}+upgrade1.deb" >/dev/null
dpkg_locked -i "$tmp/redline_${version}+upgrade1.deb"
[ "$(dpkg-query -W -f='${Version}' redline)" = "${version}+upgrade1" ] || fail "the upgrade did not install"
grep -q "$url" /etc/redline/redline.toml || fail "the upgrade replaced the edited conffile"
redline log "$url" | grep -q "Bridge reopens after repairs" || fail "the upgrade lost the store"
/usr/sbin/redlined --once 2>"$tmp/once2.log" || fail "redlined --once after the upgrade: $(cat "$tmp/once2.log")"
grep -q "round done: 1 checked, 0 failed, 0 new, 0 changed, 1 unchanged" "$tmp/once2.log" ||
  fail "after the upgrade: $(cat "$tmp/once2.log")"

step "purge"
dpkg -L redline | sort >"$tmp/files"
dpkg_locked --purge redline
left=()
while read -r f; do
  [ -e "$f" ] && [ ! -d "$f" ] && left+=("$f")
done <"$tmp/files"
for f in /etc/redline /var/lib/redline /var/lib/private/redline /var/log/redline /usr/share/doc/redline \
  /etc/systemd/system/multi-user.target.wants/redline.service; do
  { [ -e "$f" ] || [ -L "$f" ]; } && left+=("$f")
done
[ ${#left[@]} -eq 0 ] || fail "purge left: ${left[*]}"
dpkg-query -W redline >/dev/null 2>&1 && fail "dpkg still knows redline"
echo "package test: ok ($deb, exposure $exposure)"

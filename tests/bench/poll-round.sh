#!/usr/bin/env bash
# poll-round.sh N [BUILD_DIR]: times the real `redlined --once` polling N generated article pages
# served by nginx on 127.0.0.1, then urlwatch (Debian's) on the same sequence, and prints both round
# by round with the ratios.
#
# Rounds: first (all pages new), changed (after `mkpages.py --mutate 0.1 --seed 2`), unchanged.
# Checks that every request was answered, that the changed round stored exactly the pages listed in
# changes.tsv and that the unchanged round stored nothing. redline runs with the shipped defaults
# except [http] per_host_connections = 64 and per_host_rate = 0 (every page is on one origin).
set -euo pipefail
n=${1:?usage: poll-round.sh N [BUILD_DIR]}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${2:-$root/build/release}
shared=${REDLINE_SHARED_DIR:-$root/../shared}
bench=$shared/bench
redlined=$build/daemon/redlined
[ -x "$redlined" ] || { echo "poll-round: $redlined missing; build it: cmake --preset release && cmake --build build/release" >&2; exit 69; }
for tool in nginx sqlite3 python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "poll-round: $tool missing (scripts/install-deps.sh)" >&2; exit 69; }
done

work=$(mktemp -d /tmp/redline-poll-round.XXXXXX)
chmod 755 "$work"
trap '"$bench/serve.sh" stop "$work/rl" 2>/dev/null || true' EXIT
mkdir -p "$work/rl"
python3 "$bench/mkpages.py" "$work/rl/www" "$n" >/dev/null
cp -r "$work/rl/www" "$work/www"  # urlwatch's copy, mutated the same way later

{
  echo "[store]"
  echo "path = \"$work/rl/redline.db\""
  echo "[log]"
  echo "level = \"warn\""
  echo "[http]"
  echo "per_host_connections = 64"
  echo "per_host_rate = 0"
  for ((i = 0; i < n; i++)); do printf '[[watch]]\nurl = "http://127.0.0.1:18080/a-%d.html"\n' "$i"; done
} > "$work/rl/redline.toml"

"$bench/serve.sh" start "$work/rl"

declare -A rl_secs rl_rss
round() {  # round NAME: one redlined --once; checks its log and what it stored
  local name=$1 since
  since=$(($(date +%s%3N) - 1))
  /usr/bin/time -f "%e %M" -o "$work/rl/$name.time" "$redlined" --config "$work/rl/redline.toml" --once \
    > "$work/rl/$name.log" 2>&1 || { echo "poll-round: redlined failed, see $work/rl/$name.log" >&2; exit 1; }
  # Every watch answered: checked in this round and without an error (counted in the store).
  local checked failed
  checked=$(sqlite3 "$work/rl/redline.db" "SELECT count(*) FROM article_check WHERE last_checked >= $since")
  failed=$(sqlite3 "$work/rl/redline.db" "SELECT count(*) FROM article WHERE last_error != ''")
  [ "$checked" = "$n" ] && [ "$failed" = 0 ] || {
    echo "poll-round: $name round answered $checked of $n, $failed failed (see $work/rl/$name.log)" >&2; exit 1; }
  sqlite3 "$work/rl/redline.db" "SELECT substr(v.url, length('http://127.0.0.1:18080/') + 1, \
    length(v.url) - length('http://127.0.0.1:18080/') - 5) FROM version v WHERE v.captured_at >= $since ORDER BY 1" \
    > "$work/rl/$name.stored"
  read -r secs kb < "$work/rl/$name.time"
  rl_secs[$name]=$secs
  rl_rss[$name]=$((kb / 1024))
}

round first
[ "$(wc -l < "$work/rl/first.stored")" = "$n" ] || { echo "poll-round: first round stored $(wc -l < "$work/rl/first.stored") of $n pages" >&2; exit 1; }
python3 "$bench/mkpages.py" "$work/rl/www" "$n" --mutate 0.1 --seed 2 >/dev/null
round changed
cut -f1 "$work/rl/www/changes.tsv" | sort > "$work/rl/changes.expected"
diff -q <(sort "$work/rl/changed.stored") "$work/rl/changes.expected" >/dev/null || {
  echo "poll-round: the changed round stored other pages than changes.tsv lists:" >&2
  diff <(sort "$work/rl/changed.stored") "$work/rl/changes.expected" | head >&2; exit 1; }
round unchanged
[ ! -s "$work/rl/unchanged.stored" ] || { echo "poll-round: the unchanged round stored versions" >&2; exit 1; }
"$bench/serve.sh" stop "$work/rl"
sleep 0.5

echo "redline: every request answered; changed round stored exactly the $(wc -l < "$work/rl/changes.expected") pages of changes.tsv; unchanged round stored nothing"
uw=$("$bench/urlwatch-round.sh" "$n" "$work")
echo "$uw"

printf '\n%-10s %10s %10s %10s | %10s %10s %10s | %8s %8s\n' round "rl s" "rl url/s" "rl MiB" "uw s" "uw url/s" "uw MiB" "speed×" "memory÷"
for name in first changed unchanged; do
  line=$(grep "urlwatch $name round" <<<"$uw")
  uw_secs=$(sed -E 's/.* in ([0-9.]+) s.*/\1/' <<<"$line")
  uw_mib=$(sed -E 's/.*peak RSS ([0-9]+) MiB.*/\1/' <<<"$line")
  python3 - "$name" "$n" "${rl_secs[$name]}" "${rl_rss[$name]}" "$uw_secs" "$uw_mib" <<'PY'
import sys
name, n, rs, rm, us, um = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
rs, us = max(rs, 0.01), max(us, 0.01)
print(f"{name:<10} {rs:10.2f} {n/rs:10.0f} {rm:10.0f} | {us:10.2f} {n/us:10.0f} {um:10.0f} | {us/rs:8.1f} {um/max(rm,1):8.1f}")
PY
done
rm -rf "$work"

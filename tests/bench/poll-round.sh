#!/usr/bin/env bash
# poll-round.sh [--postgres] N [BUILD_DIR]: times the real `redlined --once` polling N generated
# article pages served by nginx on 127.0.0.1, then urlwatch (Debian's) on the same sequence, and
# prints both round by round with the ratios. With --postgres, redline runs the same rounds on SQLite
# and then on PostgreSQL (a temporary cluster of Debian's postgresql-15, scripts/pg-test-cluster.sh,
# with fsync on as a real server; PG_SYNCHRONOUS_COMMIT=on|off, default on) and prints the two side by
# side instead of urlwatch. POLL_ROUND_STATEMENTS=1 also prints PostgreSQL's statements of each
# round by total time (pg_stat_statements: calls, ms in all, ms per call).
#
# Rounds: first (all pages new), changed (after `mkpages.py --mutate 0.1 --seed 2`), unchanged.
# Checks that every request was answered, that the changed round stored exactly the pages listed in
# changes.tsv and that the unchanged round stored nothing. redline runs with the shipped defaults
# except [http] per_host_connections = 64 and per_host_rate = 0 (every page is on one origin).
set -euo pipefail
postgres=0
if [ "${1:-}" = --postgres ]; then postgres=1; shift; fi
n=${1:?usage: poll-round.sh [--postgres] N [BUILD_DIR]}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${2:-$root/build/release}
shared=${REDLINE_SHARED_DIR:-$root/../shared}
bench=$shared/bench
redlined=$build/daemon/redlined
[ -x "$redlined" ] || { echo "poll-round: $redlined missing; build it: cmake --preset release && cmake --build build/release" >&2; exit 69; }
[ -f "$bench/mkpages.py" ] || { echo "poll-round: $bench/mkpages.py missing (set REDLINE_SHARED_DIR)" >&2; exit 69; }
for tool in nginx sqlite3 python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "poll-round: $tool missing (scripts/install-deps.sh)" >&2; exit 69; }
done
if [ $postgres = 1 ]; then command -v psql >/dev/null || { echo "poll-round: psql missing (scripts/install-deps.sh)" >&2; exit 69; }; fi

work=$(mktemp -d /tmp/redline-poll-round.XXXXXX)
chmod 755 "$work"
cleanup() {
  "$bench/serve.sh" stop "$work/rl" 2>/dev/null || true
  [ $postgres = 0 ] || "$root/scripts/pg-test-cluster.sh" stop "$work/pg" >/dev/null 2>&1 || true
}
trap cleanup EXIT
mkdir -p "$work/rl"
python3 "$bench/mkpages.py" "$work/rl/www" "$n" >/dev/null
cp -r "$work/rl/www" "$work/www"  # urlwatch's (or PostgreSQL's) copy, mutated the same way later

store=sqlite  # the store of the rounds below: sqlite | postgres
query() {     # query SQL: one value or rows from the store of this run
  if [ $store = sqlite ]; then sqlite3 "$work/rl/redline.db" "$1"; else psql -XAtq "$pg_url" -c "$1"; fi
}
write_config() {
  {
    echo "[store]"
    if [ $store = sqlite ]; then echo "path = \"$work/rl/redline.db\""; else echo "url = \"$pg_url\""; fi
    echo "[log]"
    echo "level = \"warn\""
    echo "[http]"
    echo "per_host_connections = 64"
    echo "per_host_rate = 0"
    for ((i = 0; i < n; i++)); do printf '[[watch]]\nurl = "http://127.0.0.1:18080/a-%d.html"\n' "$i"; done
  } > "$work/rl/redline.toml"
}
write_config

"$bench/serve.sh" start "$work/rl"
curl -fs -o /dev/null http://127.0.0.1:18080/a-0.html ||
  { echo "poll-round: nginx does not serve the pages on 127.0.0.1:18080 (is the port taken?)" >&2; exit 1; }

declare -A rl_secs rl_rss
round() {  # round NAME: one redlined --once; checks its log and what it stored
  local name=$1 since
  since=$(($(date +%s%3N) - 1))
  /usr/bin/time -f "%e %M" -o "$work/rl/$name.time" "$redlined" --config "$work/rl/redline.toml" --once \
    > "$work/rl/$name.log" 2>&1 || { echo "poll-round: redlined failed, see $work/rl/$name.log" >&2; exit 1; }
  if [ $store = postgres ] && [ "${statements:-0}" != 0 ]; then
    echo "PostgreSQL statements of the $name round (calls, ms in all, ms per call):"
    query "SELECT calls, round(total_exec_time::numeric, 1), round((total_exec_time / calls)::numeric, 3), \
      left(regexp_replace(query, '\s+', ' ', 'g'), 90) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM \
      pg_database WHERE datname = current_database()) ORDER BY total_exec_time DESC LIMIT 12" | sed 's/^/  /'
    query "SELECT pg_stat_statements_reset()" >/dev/null
  fi
  # Every watch answered: checked in this round and without an error (counted in the store).
  local checked failed
  checked=$(query "SELECT count(*) FROM article_check WHERE last_checked >= $since")
  failed=$(query "SELECT count(*) FROM article WHERE last_error != ''")
  [ "$checked" = "$n" ] && [ "$failed" = 0 ] || {
    echo "poll-round: $name round answered $checked of $n, $failed failed (see $work/rl/$name.log)" >&2; exit 1; }
  query "SELECT substr(v.url, length('http://127.0.0.1:18080/') + 1, \
    length(v.url) - length('http://127.0.0.1:18080/') - 5) FROM version v WHERE v.captured_at >= $since ORDER BY 1" \
    > "$work/rl/$name.stored"
  read -r secs kb < "$work/rl/$name.time"
  rl_secs[$store.$name]=$secs
  rl_rss[$store.$name]=$((kb / 1024))
}

rounds() {  # the three rounds on the pages in $work/rl/www, freshly generated
  round first
  [ "$(wc -l < "$work/rl/first.stored")" = "$n" ] || { echo "poll-round: first round stored $(wc -l < "$work/rl/first.stored") of $n pages" >&2; exit 1; }
  python3 "$bench/mkpages.py" "$work/rl/www" "$n" --mutate 0.1 --seed 2 >/dev/null
  round changed
  cut -f1 "$work/rl/www/changes.tsv" | sort > "$work/rl/changes.expected"
  diff -q <(sort "$work/rl/changed.stored") "$work/rl/changes.expected" >/dev/null || {
    echo "poll-round: the changed round ($store) stored other pages than changes.tsv lists:" >&2
    diff <(sort "$work/rl/changed.stored") "$work/rl/changes.expected" | head >&2; exit 1; }
  round unchanged
  [ ! -s "$work/rl/unchanged.stored" ] || { echo "poll-round: the unchanged round ($store) stored versions" >&2; exit 1; }
  echo "redline ($store): every request answered; changed round stored exactly the $(wc -l < "$work/rl/changes.expected") pages of changes.tsv; unchanged round stored nothing"
}
rounds

if [ $postgres = 1 ]; then
  # A real server's durability (the tests' cluster runs without fsync); synchronous_commit as asked.
  statements=${POLL_ROUND_STATEMENTS:-0}
  [ "$statements" = 0 ] || export PG_TEST_OPTIONS="-c shared_preload_libraries=pg_stat_statements"
  PG_TEST_DURABLE=1 "$root/scripts/pg-test-cluster.sh" start "$work/pg" >/dev/null
  [ -f "$work/pg/url" ] || { cat "$work/pg/skip" >&2; exit 69; }
  psql -XAtq "$(cat "$work/pg/url")" -c "ALTER SYSTEM SET synchronous_commit = ${PG_SYNCHRONOUS_COMMIT:-on}" \
    -c "SELECT pg_reload_conf()" -c "CREATE DATABASE poll_round" >/dev/null
  psql -XAtq "$(cat "$work/pg/url")" -c "SHOW fsync" | grep -qx on || { echo "poll-round: the cluster runs without fsync" >&2; exit 1; }
  pg_url="$(sed 's|/postgres$|/poll_round|' "$work/pg/url")"
  [ "$statements" = 0 ] || psql -XAtq "$pg_url" -c "CREATE EXTENSION pg_stat_statements" >/dev/null
  store=postgres
  write_config
  rm -rf "$work/rl/www"
  cp -r "$work/www" "$work/rl/www"  # the same pages as SQLite's first round
  rounds
  "$bench/serve.sh" stop "$work/rl"
  printf '\n%-10s %10s %10s %10s | %10s %10s %10s | %10s\n' round "sqlite s" "url/s" "MiB" "postgres s" "url/s" "MiB" "pg rate"
  for name in first changed unchanged; do
    python3 - "$name" "$n" "${rl_secs[sqlite.$name]}" "${rl_rss[sqlite.$name]}" "${rl_secs[postgres.$name]}" \
      "${rl_rss[postgres.$name]}" <<'PY'
import sys
name, n, ss, sm, ps, pm = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
ss, ps = max(ss, 0.01), max(ps, 0.01)
print(f"{name:<10} {ss:10.2f} {n/ss:10.0f} {sm:10.0f} | {ps:10.2f} {n/ps:10.0f} {pm:10.0f} | {100*ss/ps:9.0f}%")
PY
  done
  echo "(MiB: redlined's peak RSS; PostgreSQL's own processes are not counted; synchronous_commit = ${PG_SYNCHRONOUS_COMMIT:-on})"
  rm -rf "$work"
  exit 0
fi
"$bench/serve.sh" stop "$work/rl"
sleep 0.5

uw=$("$bench/urlwatch-round.sh" "$n" "$work")
echo "$uw"

printf '\n%-10s %10s %10s %10s | %10s %10s %10s | %8s %8s\n' round "rl s" "rl url/s" "rl MiB" "uw s" "uw url/s" "uw MiB" "speed×" "memory÷"
for name in first changed unchanged; do
  line=$(grep "urlwatch $name round" <<<"$uw")
  uw_secs=$(sed -E 's/.* in ([0-9.]+) s.*/\1/' <<<"$line")
  uw_mib=$(sed -E 's/.*peak RSS ([0-9]+) MiB.*/\1/' <<<"$line")
  python3 - "$name" "$n" "${rl_secs[sqlite.$name]}" "${rl_rss[sqlite.$name]}" "$uw_secs" "$uw_mib" <<'PY'
import sys
name, n, rs, rm, us, um = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
rs, us = max(rs, 0.01), max(us, 0.01)
print(f"{name:<10} {rs:10.2f} {n/rs:10.0f} {rm:10.0f} | {us:10.2f} {n/us:10.0f} {um:10.0f} | {us/rs:8.1f} {um/max(rm,1):8.1f}")
PY
done
rm -rf "$work"

#!/usr/bin/env bash
# poll-round.sh [--postgres] N [BUILD_DIR]: times the real `redlined --once` polling N generated
# article pages served by nginx on 127.0.0.1, then urlwatch (Debian's) on the same sequence, and
# prints both round by round with the ratios. With --postgres, redline runs each round on SQLite and
# at once on PostgreSQL (a temporary cluster of Debian's postgresql-15, scripts/pg-test-cluster.sh,
# with fsync on as a real server; PG_SYNCHRONOUS_COMMIT=on|off, default on), the same pages, so that
# each pair shares the machine's mood of the moment, and prints the two side by side instead of
# urlwatch. POLL_ROUND_STATEMENTS=1 also prints PostgreSQL's statements of each round by total time
# (pg_stat_statements: calls, ms in all, ms per call; how often they were planned, in how many ms).
# Beside the times, each store's round prints redlined's CPU seconds (user + system) and, for
# PostgreSQL, the server's (all its processes) in that round: on a machine of few cores they compete.
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
cp -r "$work/rl/www" "$work/www"  # urlwatch's copy, mutated the same way later

stores=(sqlite)  # with --postgres each round runs on SQLite and then at once on PostgreSQL, same pages
statements=${POLL_ROUND_STATEMENTS:-0}
if [ $postgres = 1 ]; then
  stores=(sqlite postgres)
  # A real server's durability (the tests' cluster runs without fsync); synchronous_commit as asked.
  [ "$statements" = 0 ] ||
    export PG_TEST_OPTIONS="${PG_TEST_OPTIONS:-} -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on"
  PG_TEST_DURABLE=1 "$root/scripts/pg-test-cluster.sh" start "$work/pg" >/dev/null
  [ -f "$work/pg/url" ] || { cat "$work/pg/skip" >&2; exit 69; }
  psql -XAtq "$(cat "$work/pg/url")" -c "ALTER SYSTEM SET synchronous_commit = ${PG_SYNCHRONOUS_COMMIT:-on}" \
    -c "SELECT pg_reload_conf()" -c "CREATE DATABASE poll_round" >/dev/null
  psql -XAtq "$(cat "$work/pg/url")" -c "SHOW fsync" | grep -qx on || { echo "poll-round: the cluster runs without fsync" >&2; exit 1; }
  pg_url="$(sed 's|/postgres$|/poll_round|' "$work/pg/url")"
  [ "$statements" = 0 ] || psql -XAtq "$pg_url" -c "CREATE EXTENSION pg_stat_statements" >/dev/null
fi

query() {  # query STORE SQL: one value or rows from that store
  if [ "$1" = sqlite ]; then sqlite3 "$work/rl/redline.db" "$2"; else psql -XAtq "$pg_url" -c "$2"; fi
}
for store in "${stores[@]}"; do
  {
    echo "[store]"
    if [ "$store" = sqlite ]; then echo "path = \"$work/rl/redline.db\""; else echo "url = \"$pg_url\""; fi
    echo "[log]"
    echo "level = \"warn\""
    echo "[http]"
    echo "per_host_connections = 64"
    echo "per_host_rate = 0"
    for ((i = 0; i < n; i++)); do printf '[[watch]]\nurl = "http://127.0.0.1:18080/a-%d.html"\n' "$i"; done
  } > "$work/rl/$store.toml"
done

"$bench/serve.sh" start "$work/rl"
curl -fs -o /dev/null http://127.0.0.1:18080/a-0.html ||
  { echo "poll-round: nginx does not serve the pages on 127.0.0.1:18080 (is the port taken?)" >&2; exit 1; }

declare -A rl_secs rl_rss rl_cpu pg_cpu
# PostgreSQL's CPU seconds so far: the postmaster's own and its reaped backends' (cutime, cstime) and
# those of its living children (checkpointer, WAL writer, ...). 0 without --postgres.
pg_cpu_seconds() {
  [ $postgres = 1 ] || { echo 0; return; }
  local pm ticks=0 f
  pm=$(head -1 "$work/pg/data/postmaster.pid")
  read -r -a f < <(sed 's/^.*) //' "/proc/$pm/stat")
  ticks=$((f[11] + f[12] + f[13] + f[14]))
  for child in $(cat "/proc/$pm/task/$pm/children"); do
    read -r -a f < <(sed 's/^.*) //' "/proc/$child/stat" 2>/dev/null) || continue
    ticks=$((ticks + f[11] + f[12]))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
round() {  # round STORE NAME: one redlined --once; checks its log and what it stored
  local store=$1 name=$2 since out="$work/rl/$1.$2"
  local pg_before
  pg_before=$(pg_cpu_seconds)
  since=$(($(date +%s%3N) - 1))
  /usr/bin/time -f "%e %M %U %S" -o "$out.time" "$redlined" --config "$work/rl/$store.toml" --once > "$out.log" 2>&1 ||
    { echo "poll-round: redlined failed, see $out.log" >&2; exit 1; }
  if [ "$store" = postgres ] && [ "$statements" != 0 ]; then
    echo "PostgreSQL statements of the $name round (calls, ms in all, ms per call; plannings, their ms in all):"
    query "$store" "SELECT calls, round(total_exec_time::numeric, 1), round((total_exec_time / nullif(calls, 0))::numeric, 3), \
      plans, round(total_plan_time::numeric, 1), \
      left(regexp_replace(query, '\s+', ' ', 'g'), 90) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM \
      pg_database WHERE datname = current_database()) ORDER BY total_exec_time + total_plan_time DESC LIMIT 12" | sed 's/^/  /'
    query "$store" "SELECT pg_stat_statements_reset()" >/dev/null
  fi
  # Every watch answered: checked in this round and without an error (counted in the store).
  local checked failed
  checked=$(query "$store" "SELECT count(*) FROM article_check WHERE last_checked >= $since")
  failed=$(query "$store" "SELECT count(*) FROM article WHERE last_error != ''")
  [ "$checked" = "$n" ] && [ "$failed" = 0 ] || {
    echo "poll-round: $name round ($store) answered $checked of $n, $failed failed (see $out.log)" >&2; exit 1; }
  query "$store" "SELECT substr(v.url, length('http://127.0.0.1:18080/') + 1, \
    length(v.url) - length('http://127.0.0.1:18080/') - 5) FROM version v WHERE v.captured_at >= $since ORDER BY 1" \
    > "$out.stored"
  [ "$store" = sqlite ] || sleep 0.3  # the session's backend ends and is reaped, its CPU counted
  read -r secs kb user sys < "$out.time"
  rl_secs[$store.$name]=$secs
  rl_cpu[$store.$name]=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  pg_cpu[$store.$name]=$(awk -v a="$(pg_cpu_seconds)" -v b="$pg_before" 'BEGIN { printf "%.2f", a - b }')
  rl_rss[$store.$name]=$((kb / 1024))
}

# The rounds, each on every store in turn (the pages do not change between the stores' runs of a round).
for store in "${stores[@]}"; do
  round "$store" first
  stored=$(wc -l < "$work/rl/$store.first.stored")
  [ "$stored" = "$n" ] || { echo "poll-round: first round ($store) stored $stored of $n pages" >&2; exit 1; }
done
python3 "$bench/mkpages.py" "$work/rl/www" "$n" --mutate 0.1 --seed 2 >/dev/null
cut -f1 "$work/rl/www/changes.tsv" | sort > "$work/rl/changes.expected"
for store in "${stores[@]}"; do
  round "$store" changed
  diff -q <(sort "$work/rl/$store.changed.stored") "$work/rl/changes.expected" >/dev/null || {
    echo "poll-round: the changed round ($store) stored other pages than changes.tsv lists:" >&2
    diff <(sort "$work/rl/$store.changed.stored") "$work/rl/changes.expected" | head >&2; exit 1; }
done
for store in "${stores[@]}"; do
  round "$store" unchanged
  [ ! -s "$work/rl/$store.unchanged.stored" ] || { echo "poll-round: the unchanged round ($store) stored versions" >&2; exit 1; }
  echo "redline ($store): every request answered; changed round stored exactly the $(wc -l < "$work/rl/changes.expected") pages of changes.tsv; unchanged round stored nothing"
done

if [ $postgres = 1 ]; then
  printf '\n%-10s %9s %7s %6s %5s | %10s %7s %6s %5s %6s | %7s\n' round "sqlite s" "url/s" "cpu s" "MiB" \
    "postgres s" "url/s" "cpu s" "MiB" "pg cpu" "pg rate"
  for name in first changed unchanged; do
    python3 - "$name" "$n" "${rl_secs[sqlite.$name]}" "${rl_cpu[sqlite.$name]}" "${rl_rss[sqlite.$name]}" \
      "${rl_secs[postgres.$name]}" "${rl_cpu[postgres.$name]}" "${rl_rss[postgres.$name]}" "${pg_cpu[postgres.$name]}" <<'PY'
import sys
name, n, ss, sc, sm, ps, pc, pm, dbc = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
ss, ps = max(ss, 0.01), max(ps, 0.01)
print(f"{name:<10} {ss:9.2f} {n/ss:7.0f} {sc:6.2f} {sm:5.0f} | {ps:10.2f} {n/ps:7.0f} {pc:6.2f} {pm:5.0f} {dbc:6.2f} | {100*ss/ps:6.0f}%")
PY
  done
  echo "(cpu s: redlined's user + system seconds; pg cpu: PostgreSQL's, all its processes, in the round;"
  echo " MiB: redlined's peak RSS; synchronous_commit = ${PG_SYNCHRONOUS_COMMIT:-on})"
  cleanup
  trap - EXIT
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

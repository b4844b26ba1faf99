#!/usr/bin/env bash
# api-bench.sh [SECONDS]: the API's throughput and latency beside nginx, in one run (docs/performance.md).
#   1. builds the release preset's redlined and api_bench_store, and a store of 20 000 articles with
#      60 000 versions (40 000 changes, each an event) through the Store API;
#   2. starts redlined with the API on an ephemeral port and nginx serving a static 34 KB page
#      (../shared/bench/serve.sh when present, else the same minimal configuration written here);
#   3. runs Debian's wrk (32 connections, 2 threads, SECONDS, default 10) against nginx,
#      /api/v1/changes?limit=50, /api/v1/articles/{key}/diff, /feed.atom, /metrics and /api/v1/status;
#   4. adds 1 000 000 watches to the store (SQL), restarts redlined (which plans all of them), and
#      runs wrk against /metrics and /api/v1/status again; prints the query plans of the gauges.
# Prints req/s, p50 and p99 (ms) and the rate as a share of nginx's.
#
# api-bench.sh --postgres [SECONDS]: the same targets on the same store copied into PostgreSQL
# (`redline store copy` into a temporary cluster of Debian's postgresql-15 with fsync on,
# scripts/pg-test-cluster.sh), side by side with SQLite in one run, instead of step 4.
set -euo pipefail
cd "$(dirname "$0")/../.."
postgres=0
if [ "${1:-}" = --postgres ]; then postgres=1; shift; fi
secs="${1:-10}"
command -v wrk >/dev/null || { echo "api-bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
command -v nginx >/dev/null || { echo "api-bench: nginx is missing (apt-get install nginx-light)" >&2; exit 1; }

cmake --preset release >/dev/null
cmake --build build/release --target redlined redline api_bench_store >/dev/null
bin=build/release

work=$(mktemp -d /tmp/redline-api-bench.XXXXXX)
daemon_pid=""
nginx_dir="$work/nginx"
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  [ "$postgres" = 0 ] || scripts/pg-test-cluster.sh stop "$work/pg" >/dev/null 2>&1 || true
  [ -f "$nginx_dir/nginx.pid" ] && kill "$(cat "$nginx_dir/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The static page: 34 KB of article-like HTML.
mkdir -p "$nginx_dir/www"
python3 - "$nginx_dir/www/index.html" <<'EOF'
import sys
para = "<p>" + "Heavy rain overnight flooded the river road between the two bridges, officials said. " * 4 + "</p>\n"
body = "<!doctype html><html><head><meta charset=utf-8><title>Floods close the road</title></head><body>\n"
while len(body) < 34 * 1024 - 20:
    body += para
open(sys.argv[1], "w").write((body + "</body></html>\n")[: 34 * 1024])
EOF
nginx_port=$((20000 + RANDOM % 20000))
chmod a+rx "$work"  # nginx workers run as www-data
if [ -x ../shared/bench/serve.sh ]; then
  ../shared/bench/serve.sh start "$nginx_dir" "$nginx_port" >/dev/null
else
  echo "api-bench: ../shared/bench/serve.sh is absent; using the same minimal nginx configuration"
  chmod a+rX "$work" "$nginx_dir" "$nginx_dir/www"
  cat >"$nginx_dir/nginx.conf" <<EOF
worker_processes 1;
daemon on;
pid nginx.pid;
error_log error.log warn;
events { worker_connections 4096; }
http { access_log off; sendfile on; keepalive_requests 100000;
  server { listen 127.0.0.1:$nginx_port; root www; etag on; } }
EOF
  nginx -p "$nginx_dir" -c "$nginx_dir/nginx.conf"
fi

if [ -n "${REDLINE_BENCH_STORE:-}" ]; then  # a store built by an earlier run (api_bench_store ... 20000 3)
  cp "$REDLINE_BENCH_STORE" "$work/redline.db"
else
  echo "api-bench: building the store (20 000 articles, 60 000 versions)"
  "$bin/tests/bench/api_bench_store" "$work/redline.db" 20000 3
fi

cat >"$work/redline.toml" <<EOF
[log]
level = "info"
[store]
path = "$work/redline.db"
[api]
listen = "127.0.0.1:0"
EOF

start_daemon() {
  : >"$work/daemon.log"
  "$bin/daemon/redlined" --config "$work/redline.toml" 2>"$work/daemon.log" &
  daemon_pid=$!
  for _ in $(seq 600); do
    port=$(grep -o 'API listening on 127.0.0.1:[0-9]*' "$work/daemon.log" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" && return 0
    sleep 0.1
  done
  echo "api-bench: redlined did not start:" >&2
  cat "$work/daemon.log" >&2
  exit 1
}
stop_daemon() {
  kill "$daemon_pid"
  wait "$daemon_pid" || true
  daemon_pid=""
}

# wrk's "50%  1.23ms" -> milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
nginx_rate=""
printf '%-44s %10s %9s %9s %9s\n' target req/s p50_ms p99_ms of_nginx
run() {
  local name=$1 url=$2 out rate p50 p99 share
  out=$(wrk -t2 -c32 -d"${secs}s" --latency "$url")
  rate=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  if grep -q 'Non-2xx' <<<"$out"; then echo "api-bench: $name: $(grep 'Non-2xx' <<<"$out")" >&2; fi
  [ -z "$nginx_rate" ] && nginx_rate=$rate
  share=$(awk -v r="$rate" -v n="$nginx_rate" 'BEGIN { printf "%.1f%%", 100 * r / n }')
  printf '%-44s %10.0f %9s %9s %9s\n' "$name" "$rate" "$p50" "$p99" "$share"
}

targets() {  # the API's targets on the running daemon; $1 labels them
  base="http://127.0.0.1:$port"
  for path in /api/v1/changes?limit=50 /api/v1/articles/news.bench.test%3A0/diff /feed.atom /metrics /api/v1/status; do
    curl -fs -o /dev/null "$base$path" || { echo "api-bench: $path failed" >&2; exit 1; }
  done
  run "$1/api/v1/changes?limit=50" "$base/api/v1/changes?limit=50"
  run "$1/api/v1/articles/{key}/diff" "$base/api/v1/articles/news.bench.test%3A0/diff"
  run "$1/feed.atom" "$base/feed.atom"
  run "$1/metrics" "$base/metrics"
  run "$1/api/v1/status" "$base/api/v1/status"
  run "$1/api/v1/articles?q=floods&limit=20" "$base/api/v1/articles?q=floods&limit=20"
}

start_daemon
run "nginx static 34 KB" "http://127.0.0.1:$nginx_port/index.html"
targets ""
stop_daemon

if [ "$postgres" = 1 ]; then
  PG_TEST_DURABLE=1 scripts/pg-test-cluster.sh start "$work/pg" >/dev/null
  [ -f "$work/pg/url" ] || { cat "$work/pg/skip" >&2; exit 69; }
  pg_url=$(cat "$work/pg/url")
  echo "api-bench: copying the store into PostgreSQL"
  "$bin/daemon/redline" --config "$work/redline.toml" store copy --from "$work/redline.db" --to "$pg_url" |
    tail -1
  sed -i "s|^path = .*|url = \"$pg_url\"|" "$work/redline.toml"
  start_daemon
  targets "postgres "
  stop_daemon
  run "nginx static 34 KB (again)" "http://127.0.0.1:$nginx_port/index.html"
  exit 0
fi

echo "api-bench: adding 1 000 000 watches"
"$bin/tests/bench/api_bench_store" "$work/redline.db" 0 0 1000000
start_daemon
base="http://127.0.0.1:$port"
echo "api-bench: redlined plans $(grep -o 'started: [0-9]* watches' "$work/daemon.log" | grep -o '[0-9]*') watches"
first=$(curl -fs -o /dev/null -w '%{time_total}' "$base/api/v1/status")
echo "api-bench: first /api/v1/status with 1M watches (computes the snapshot): ${first} s"
run "/metrics, 1M watches" "$base/metrics"
run "/api/v1/status, 1M watches" "$base/api/v1/status"
run "nginx static 34 KB (again)" "http://127.0.0.1:$nginx_port/index.html"
stop_daemon

echo "api-bench: query plans of the scrape (/metrics and the live part of /api/v1/status):"
python3 - "$work/redline.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for sql in ["SELECT name, value FROM counter WHERE name IN ('outbox:pending', 'outbox:dead', 'articles:active')",
            "SELECT created_at FROM outbox INDEXED BY outbox_pending_order WHERE state = 'pending' ORDER BY id LIMIT 1",
            "SELECT coalesce(max(id), 0) FROM event"]:
    plan = "; ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql))
    print(f"  {sql[:60]:<60} -> {plan}")
EOF

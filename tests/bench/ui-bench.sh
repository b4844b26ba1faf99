#!/usr/bin/env bash
# ui-bench.sh [REQUESTS]: the web desk's server time and page weights on a large store (docs/performance.md).
#   1. builds the release preset's redlined and api_bench_store, and a store of 100 000 articles with
#      300 000 versions (200 000 changes, each an event) through the Store API (REDLINE_BENCH_STORE=path
#      reuses a store built by an earlier run: api_bench_store PATH 100000 3);
#   2. starts redlined with the API on an ephemeral port;
#   3. for the timeline `/`, an article `/a/{key}` and a diff page `/a/{key}/diff?from=2&to=3`, sends
#      REQUESTS (default 1 000) requests one after another on one keep-alive connection (curl reuses it),
#      with and without `Accept-Encoding: gzip`, and prints the server time of each request
#      (time_starttransfer - time_pretransfer: from the request written to the first byte of the answer)
#      as p50, p99 and max in milliseconds;
#   4. prints each page's weight: bytes raw and gzipped.
# Prints figures only: nothing here asserts on time.
set -euo pipefail
cd "$(dirname "$0")/../.."
requests="${1:-1000}"

cmake --preset release >/dev/null
cmake --build build/release --target redlined api_bench_store -- -j2 >/dev/null
bin=build/release

work=$(mktemp -d /tmp/redline-ui-bench.XXXXXX)
daemon_pid=""
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${REDLINE_BENCH_STORE:-}" ]; then
  cp "$REDLINE_BENCH_STORE" "$work/redline.db"
else
  echo "ui-bench: building the store (100 000 articles, 300 000 versions)"
  "$bin/tests/bench/api_bench_store" "$work/redline.db" 100000 3
fi
python3 - "$work/redline.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
counts = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("article", "version", "event")]
print("ui-bench: store holds %d articles, %d versions, %d events" % tuple(counts))
EOF

cat >"$work/redline.toml" <<EOF
[log]
level = "info"
[store]
path = "$work/redline.db"
[api]
listen = "127.0.0.1:0"
EOF
"$bin/daemon/redlined" --config "$work/redline.toml" 2>"$work/daemon.log" &
daemon_pid=$!
port=""
for _ in $(seq 600); do
  port=$(grep -o 'API listening on 127.0.0.1:[0-9]*' "$work/daemon.log" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" && break
  port=""
  sleep 0.1
done
[ -n "$port" ] || { echo "ui-bench: redlined did not start:" >&2; cat "$work/daemon.log" >&2; exit 1; }
base="http://127.0.0.1:$port"
key="news.bench.test%3A0"

# time REQUESTS requests to $1 on one connection; $2 = extra curl arguments.
measure() {
  local url=$1 extra=$2 config="$work/curl.cfg"
  : >"$config"
  for _ in $(seq "$requests"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url" >>"$config"; done
  # shellcheck disable=SC2086
  curl -s $extra -K "$config" -w '%{http_code} %{time_pretransfer} %{time_starttransfer} %{num_connects}\n' |
    python3 -c '
import sys
rows = [line.split() for line in sys.stdin if line.strip()]
bad = [r[0] for r in rows if r[0] != "200"]
if bad:
    sys.exit("ui-bench: %d answers were not 200: %s" % (len(bad), sorted(set(bad))))
ms = sorted((float(r[2]) - float(r[1])) * 1000 for r in rows)
connects = sum(int(r[3]) for r in rows)
pick = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]
print("%9d %9.2f %9.2f %9.2f %9d" % (len(ms), pick(0.50), pick(0.99), ms[-1], connects))'
}

pages=("/" "/a/$key" "/a/$key/diff?from=2&to=3")
names=("timeline /" "article /a/{key}" "diff /a/{key}/diff")
for p in "${pages[@]}"; do
  curl -fs -o /dev/null "$base$p" || { echo "ui-bench: $p failed" >&2; exit 1; }
done
printf '%-36s %9s %9s %9s %9s %9s\n' page requests p50_ms p99_ms max_ms connects
for i in "${!pages[@]}"; do
  printf '%-36s ' "${names[$i]}"
  measure "$base${pages[$i]}" ""
  printf '%-36s ' "${names[$i]}, gzip"
  measure "$base${pages[$i]}" "-H Accept-Encoding:gzip"
done

printf '\n%-36s %9s %9s\n' page raw_B gzip_B
for i in "${!pages[@]}"; do
  raw=$(curl -fs -o /dev/null -w '%{size_download}' "$base${pages[$i]}")
  packed=$(curl -fs -o /dev/null -H 'Accept-Encoding: gzip' -w '%{size_download}' "$base${pages[$i]}")
  printf '%-36s %9s %9s\n' "${names[$i]}" "$raw" "$packed"
done
for asset in app.css app.js favicon.svg; do
  raw=$(curl -fs -o /dev/null -w '%{size_download}' "$base/static/$asset")
  packed=$(curl -fs -o /dev/null -H 'Accept-Encoding: gzip' -w '%{size_download}' "$base/static/$asset")
  printf '%-36s %9s %9s\n' "/static/$asset" "$raw" "$packed"
done

#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: Debian's postgresql-15 binaries, a temporary data
# directory, 127.0.0.1 on an ephemeral port, trust authentication, fsync off.
#
#   scripts/pg-test-cluster.sh start DIR   # writes DIR/url (a libpq URI of the "postgres" database)
#   scripts/pg-test-cluster.sh stop DIR    # stops the cluster and removes DIR
#   scripts/pg-test-cluster.sh restart DIR # pg_ctl restart -m fast (every session is cut), same port
#   scripts/pg-test-cluster.sh down DIR    # pg_ctl stop -m fast: the server is gone, its data kept
#   scripts/pg-test-cluster.sh up DIR      # starts it again after down, same port and settings
#
# PG_TEST_DURABLE=1 keeps a real server's durability (fsync, full page writes, synchronous commit;
# benchmarks); the tests run without it. PG_TEST_OPTIONS adds server options ("-c name=value ...").
#
# PostgreSQL refuses to run as root, so as root the cluster runs as `nobody`. When the binaries are
# absent, start writes DIR/skip (the reason) instead of DIR/url and exits 0: the tests then skip
# their PostgreSQL cases with that reason.
set -euo pipefail
cmd="${1:?start|stop|restart|down|up}"
dir="${2:?directory}"

bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bindir="$d"; break; fi
done

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    if [ -f "$dir/url" ] && [ -f "$dir/data/postmaster.pid" ]; then
      "$0" stop "$dir" >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ -z "$bindir" ]; then
      echo "PostgreSQL server binaries absent (install postgresql-15: scripts/install-deps.sh)" >"$dir/skip"
      cat "$dir/skip"
      exit 0
    fi
    if [ "$(id -u)" -eq 0 ]; then chown nobody "$dir"; fi
    fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [ "${PG_TEST_DURABLE:-0}" = 1 ]; then fast=""; fi
    # An ephemeral port: bound by the kernel, released, then given to the server.
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log"; exit 1; }
    echo "-p $port -k $dir -c listen_addresses=127.0.0.1 $fast -c max_connections=200 ${PG_TEST_OPTIONS:-}" >"$dir/options"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" \
      start >"$dir/pg_ctl.log" 2>&1 || { cat "$dir/pg_ctl.log" "$dir/server.log"; exit 1; }
    echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$dir/url"
    echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
    ;;
  restart)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 restart >"$dir/pg_ctl.log" 2>&1 ||
      { cat "$dir/pg_ctl.log"; exit 1; }
    ;;
  down)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >"$dir/pg_ctl.log" 2>&1 ||
      { cat "$dir/pg_ctl.log"; exit 1; }
    ;;
  up)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" \
      start >"$dir/pg_ctl.log" 2>&1 || { cat "$dir/pg_ctl.log" "$dir/server.log"; exit 1; }
    ;;
  stop)
    if [ -n "$bindir" ] && [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop|restart|down|up DIR" >&2
    exit 2
    ;;
esac

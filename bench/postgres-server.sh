#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL server for benchmarks, the way the tests' PostgresServer does:
# initdb into a fresh directory with the machine's newest /usr/lib/postgresql/<version>/bin (or
# PG_BIN), trust authentication on 127.0.0.1, run as the `postgres` OS user when this runs as root.
# Unlike the tests' server it keeps fsync and synchronous_commit on: benchmarks measure durable writes.
#
#   bench/postgres-server.sh start [PORT]   # default 55432; prints the JDBC URL of database `bench`
#   bench/postgres-server.sh stop           # fast shutdown, deletes the data
#   bench/postgres-server.sh status
#
# State lives in ${PG_BENCH_DIR:-/tmp/stacklens-bench-pg}.
set -euo pipefail
dir="${PG_BENCH_DIR:-/tmp/stacklens-bench-pg}"
cmd="${1:-}"; port="${2:-55432}"
bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
[ -x "$bin/initdb" ] || { echo "no PostgreSQL binaries (looked in /usr/lib/postgresql/*/bin; set PG_BIN)" >&2; exit 1; }

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
  start)
    if [ -f "$dir/port" ] && as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      echo "jdbc:postgresql://127.0.0.1:$(cat "$dir/port")/bench?user=postgres"; exit 0
    fi
    rm -rf "$dir"; mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log"; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
shared_buffers = 256MB
max_wal_size = 2GB
CONF
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
    echo "$port" >"$dir/port"
    as_pg "$bin/psql" -h "$dir" -p "$port" -U postgres -qc "CREATE DATABASE bench" postgres
    echo "jdbc:postgresql://127.0.0.1:$port/bench?user=postgres"
    ;;
  stop)
    [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  status)
    as_pg "$bin/pg_ctl" -D "$dir/data" status
    ;;
  *) echo "usage: $0 start [PORT] | stop | status" >&2; exit 2 ;;
esac

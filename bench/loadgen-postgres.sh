#!/usr/bin/env bash
# OTLP -> agent -> PostgreSQL rows/s with the default schema and indexes (bench/agent-postgres.yaml),
# beside a baseline measured in the same run on the same server: plain JDBC COPY of the very rows the
# agent wrote into an empty twin table with the same keys and indexes (PostgresCopyBaseline).
#
#   bench/loadgen-postgres.sh [DURATION, default 20s] [BATCH_ROWS for the baseline, default 1000]
#
# The agent's figure is rows written per second while loadgen sends (the table's row count sampled
# after loadgen's 10 s warm-up and at the end); loadgen's own report is printed too. The server
# (bench/postgres-server.sh) keeps fsync on. AGENT_CONFIG runs another pipeline (e.g. one with
# exactly_once: false). Build first: ./mvnw -q -DskipTests package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-20s}"; batch="${2:-1000}"
dist="$(ls -d packaging/target/stacklens-agent-*/ | head -n 1)"
work="$(mktemp -d)"; agent=""
trap '[ -n "$agent" ] && kill "$agent" 2>/dev/null; bench/postgres-server.sh stop; rm -rf "$work"' EXIT
url="$(bench/postgres-server.sh start)"
dir="${PG_BENCH_DIR:-/tmp/stacklens-bench-pg}"; port="$(cat "$dir/port")"
count() { psql -h 127.0.0.1 -p "$port" -U postgres -d bench -tAc "SELECT count(*) FROM enriched_logs"; }

BENCH_PG_URL="${url%%\?*}" "$dist/bin/stacklens-agent" run --config "${AGENT_CONFIG:-bench/agent-postgres.yaml}" >"$work/agent.log" 2>&1 &
agent=$!
for _ in $(seq 1 200); do grep -q "agent running" "$work/agent.log" 2>/dev/null && break; sleep 0.1; done
"$dist/bin/stacklens-agent" loadgen --protocol grpc --batch-size 100 --body-size 200 --concurrency 8 --unique-records \
  --warmup 10s --duration "$duration" --report-json "$work/report.json" >"$work/loadgen.txt" &
loadgen=$!
sleep 10.5; c0=$(count); t0=$(date +%s.%N)
wait "$loadgen" || true
c1=$(count); t1=$(date +%s.%N)
kill -TERM "$agent"; wait "$agent" || true; agent=""
cp "$work/agent.log" "${PG_BENCH_AGENT_LOG:-/tmp/stacklens-bench-pg-agent.log}"
rows=$(count)
agent_rate=$(python3 -c "print(round(($c1-$c0)/($t1-$t0)))")
loadgen_rate=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%d records/s, p99 %s ms" % (r["recordsPerSecond"], r["latencyMillis"]["p99"]))' "$work/report.json")

cp="$(bench/test-classpath.sh exporters)"
baseline=$(java -cp "$cp" io.stacklens.exporter.postgres.bench.PostgresCopyBaseline "$url" enriched_logs "$batch")
echo "agent: $agent_rate rows/s written while loadgen sent (loadgen acknowledged: $loadgen_rate); $rows rows in enriched_logs after shutdown"
echo "baseline: plain JDBC COPY of the same $rows rows, $batch rows per transaction: $baseline rows/s"
python3 -c "print(f'agent / baseline = {$agent_rate / $baseline:.2f}')"

#!/usr/bin/env bash
# End-to-end throughput benchmark: loadgen (OTLP/gRPC, 100 records x ~200-byte bodies per request)
# -> agent -> file (json_lines), both on this machine. Prints loadgen's report, the agent's peak RSS
# and the records written. Usage: bench/loadgen-file.sh [DURATION] [extra loadgen args...]
# AGENT_CONFIG picks another agent config (default bench/agent-file.yaml); REPORT_JSON keeps loadgen's
# JSON report there; DIST runs another unpacked distribution (an A/B of two builds); AGENT_JAVA_OPTS
# goes to the agent's JVM only (a profiler). Build first: ./mvnw -q -DskipTests package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-60s}"; shift || true
dist="${DIST:-$(ls -d packaging/target/stacklens-agent-*/ | head -n 1)}"
work="$(mktemp -d)"
trap 'kill "$agent" 2>/dev/null || true; rm -rf "$work"' EXIT

BENCH_DIR="$work" JAVA_OPTS="${AGENT_JAVA_OPTS:-}" "$dist/bin/stacklens-agent" run --config "${AGENT_CONFIG:-bench/agent-file.yaml}" >"$work/agent.log" 2>&1 &
agent=$!
for _ in $(seq 1 100); do grep -q "agent running" "$work/agent.log" 2>/dev/null && break; sleep 0.1; done
java_pid="$(pgrep -P "$agent" java || echo "$agent")"

( peak=0; while kill -0 "$java_pid" 2>/dev/null; do
    rss=$(ps -o rss= -p "$java_pid" 2>/dev/null | tr -d ' ' || echo 0)
    [ -n "$rss" ] && [ "$rss" -gt "$peak" ] && peak=$rss && echo "$peak" >"$work/rss_peak_kib"
    sleep 0.5; done ) &

"$dist/bin/stacklens-agent" loadgen --protocol grpc --batch-size 100 --body-size 200 --concurrency 8 \
  --duration "$duration" --report-json "$work/report.json" "$@"
rss_kib="$(cat "$work/rss_peak_kib" 2>/dev/null || echo 0)"
[ -n "${REPORT_JSON:-}" ] && cp "$work/report.json" "$REPORT_JSON"
# A disk queue's fsyncs (none with a memory queue): count and total seconds.
curl -s 127.0.0.1:8888/metrics | grep -E "queue_fsync_duration_seconds_(count|sum)" || true
kill -TERM "$agent"; wait "$agent" || true
lines=$(cat "$work"/logs*.jsonl 2>/dev/null | wc -l)
echo "agent: peak RSS $((rss_kib / 1024)) MiB; lines in the output files: $lines (earlier rotated files are pruned)"
tail -n 3 "$work/agent.log"

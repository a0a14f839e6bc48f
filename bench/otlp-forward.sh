#!/usr/bin/env bash
# OTLP -> agent -> OTLP -> agent -> file against OTLP -> agent -> file, alternating runs in one
# session: the same loadgen load (OTLP/gRPC, 100 records x ~200-byte bodies, 8 in flight) goes either
# straight to the gateway agent (bench/agent-file.yaml, "direct") or through an edge agent that
# forwards with the otlp exporter (bench/agent-forward.yaml, "forward"). Both agents share the two
# cores in the forward runs. Prints each run's records/s, the medians and the ratio forward/direct.
# Usage: bench/otlp-forward.sh [RUNS] [DURATION] [WARMUP]   (default 5 runs of 30s after 10s)
# FORWARD_COMPRESSION: the exporter's compression (gzip, the default; zstd; none); FORWARD_CONFIG:
# another edge config.
# Build first: ./mvnw -q -DskipTests package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${1:-5}"; duration="${2:-30s}"; warmup="${3:-10s}"
dist="$(ls -d packaging/target/stacklens-agent-*/ | head -n 1)"
out="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$out"' EXIT

start_agent() { # config log -> pid
  BENCH_DIR="$out" "$dist/bin/stacklens-agent" run --config "$1" >"$2" 2>&1 &
  local pid=$!
  for _ in $(seq 1 200); do grep -q "agent running" "$2" 2>/dev/null && break; sleep 0.1; done
  echo "$pid"
}
rate() { grep -o '"recordsPerSecond" : [0-9.]*' "$1" | head -n 1 | awk '{print $3}'; }
sent() { curl -s "127.0.0.1:$1/metrics" | awk '/^stacklens_exporter_sent_records_total\{/ {s+=$2} END {printf "%d", s}'; }

for i in $(seq 1 "$runs"); do
  for mode in direct forward; do
    gateway=$(start_agent bench/agent-file.yaml "$out/gateway-$mode-$i.log"); pids=("$gateway")
    port=4317
    if [ "$mode" = forward ]; then
      edge=$(start_agent "${FORWARD_CONFIG:-bench/agent-forward.yaml}" "$out/edge-$i.log"); pids+=("$edge"); port=4327
    fi
    "$dist/bin/stacklens-agent" loadgen --endpoint "127.0.0.1:$port" --protocol grpc --batch-size 100 \
      --body-size 200 --concurrency 8 --duration "$duration" --warmup "$warmup" \
      --report-json "$out/$mode-$i.json" >"$out/loadgen-$mode-$i.log" 2>&1
    extra=""
    if [ "$mode" = forward ]; then
      sleep 2 # let the edge's last batches reach the gateway before counting
      extra="; edge sent $(sent 8889), gateway wrote $(sent 8888)"
    fi
    echo "run $i $mode: $(rate "$out/$mode-$i.json") records/s$extra"
    kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true; pids=()
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
d=$(for f in "$out"/direct-*.json; do rate "$f"; done | median)
f=$(for f in "$out"/forward-*.json; do rate "$f"; done | median)
echo "median records/s: direct $d, forward $f; forward/direct = $(awk -v f="$f" -v d="$d" 'BEGIN {printf "%.2f", f/d}')"

#!/usr/bin/env bash
# delivery: durable (disk queue, fsync: batch) against delivery: memory on the OTLP/gRPC -> file
# benchmark, alternating runs in one session: prints each run's records/s, the medians and the ratio
# durable/memory. Each run first sends the same load for WARMUP, unmeasured, so both modes are
# measured on JIT-compiled code (steady state).
# Usage: bench/durable-vs-memory.sh [RUNS] [DURATION] [WARMUP]   (default 5 runs of 30s after 10s)
# Build first: ./mvnw -q -DskipTests package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${1:-5}"; duration="${2:-30s}"; warmup="${3:-10s}"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
rate() { grep -o '"recordsPerSecond" : [0-9.]*' "$1" | head -n 1 | awk '{print $3}'; }
for i in $(seq 1 "$runs"); do
  for mode in memory durable; do
    config=bench/agent-file.yaml; [ "$mode" = durable ] && config=bench/agent-file-durable.yaml
    AGENT_CONFIG="$config" REPORT_JSON="$out/$mode-$i.json" bench/loadgen-file.sh "$duration" --warmup "$warmup" >"$out/$mode-$i.log" 2>&1
    echo "run $i $mode: $(rate "$out/$mode-$i.json") records/s; $(grep -o 'peak RSS [0-9]* MiB' "$out/$mode-$i.log")"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m=$(for f in "$out"/memory-*.json; do rate "$f"; done | median)
d=$(for f in "$out"/durable-*.json; do rate "$f"; done | median)
echo "median records/s: memory $m, durable $d; durable/memory = $(awk -v d="$d" -v m="$m" 'BEGIN {printf "%.2f", d/m}')"

#!/usr/bin/env bash
# Request latency at half of the maximum load, OTLP/gRPC -> agent -> file (bench/agent-file.yaml by
# default): loadgen first finds the maximum (10 s warm-up, DURATION flat out), then a second loadgen
# sends at half that rate (--rate) on the same agent, 10 s of warm-up at that pace (the new JVM's and
# connection's first seconds are not the steady state) and DURATION measured; ROUNDS times, with
# p50/p99/max of each paced run and the median p99. Load: 100 records per request, ~200-byte JSON
# bodies, 5 attributes, 8 in flight.
# Usage: bench/latency-at-half-load.sh [DURATION, default 20s] [ROUNDS, default 3] [CONFIG]
# Build first: ./mvnw -q -DskipTests package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-20s}"
rounds="${2:-3}"
config="${3:-bench/agent-file.yaml}"
source bench/peer-load.sh
work="$(mktemp -d)"
agent=""
trap '[ -n "$agent" ] && kill "$agent" 2>/dev/null; rm -rf "$work"' EXIT
field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, r))' "$@"; }

p99s=()
for r in $(seq 1 "$rounds"); do
  start_agent "$config" "$work"
  loadgen "${peer_load[@]}" --warmup 10s --duration "$duration" --report-json "$work/max.json" >/dev/null
  max=$(field "$work/max.json" 'recordsPerSecond')
  half=$(python3 -c "print(int($max / 2))")
  loadgen "${peer_load[@]}" --rate "$half" --warmup 10s --duration "$duration" --report-json "$work/half.json" >/dev/null
  kill -TERM "$agent"; wait "$agent" || true; agent=""
  rm -f "$work"/*.jsonl
  line=$(field "$work/half.json" '"%.0f %d %.3f %.3f %.3f" % (recordsPerSecond, sum(refusals.values()), latencyMillis["p50"], latencyMillis["p99"], latencyMillis["max"])')
  read -r rps refused p50 p99 mx <<<"$line"
  p99s+=("$p99")
  printf 'round %s: maximum %.0f records/s; at half (%s records/s asked, %s acknowledged): p50 %s ms, p99 %s ms, max %s ms, %s refusals\n' \
    "$r" "$max" "$half" "$rps" "$p50" "$p99" "$mx" "$refused"
done
python3 -c "import statistics,sys; print(f'median p99 at half load: {statistics.median(map(float, sys.argv[1:])):.3f} ms')" "${p99s[@]}"

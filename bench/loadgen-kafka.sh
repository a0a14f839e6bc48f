#!/usr/bin/env bash
# End-to-end Kafka benchmark: loadgen (OTLP/gRPC, 100 records x ~200-byte bodies per request) -> agent
# -> kafka exporter -> a local single-node broker (bench/kafka-broker.sh), against a baseline on the
# same broker in the same run: a plain kafka-clients producer with the exporter's producer settings
# sending the agent's own messages (KafkaProducerBaseline samples them from the agent's topic).
# After one uncounted agent run that warms the broker up, rounds alternate agent and baseline, each
# with its own 10 s warm-up (KAFKA_BENCH_WARMUP seconds) before it is measured for DURATION; then
# medians and the ratio.
# Beside the agent's rate: its CPU per record (µs of the agent process, from /proc, over the
# measured part).
# For otlp_proto each round also runs a second baseline on the same load: OtlpKafkaBridgeBaseline,
# the OTLP -> Kafka bridge one would write with grpc-java, protobuf-java and kafka-clients (one
# message per request, answered once the producer took it), measured like the agent. Set
# KAFKA_BENCH_BRIDGE=0 to leave it out.
#
#   bench/loadgen-kafka.sh [DURATION] [ENCODINGS] [ROUNDS]   # e.g. 20s "otlp_proto json" 3
# JAVA_OPTS reaches the agent only; the load generator runs with LOADGEN_JAVA_OPTS.
# Build first: ./mvnw -q -DskipTests package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-20s}"
encodings="${2:-otlp_proto json}"
rounds="${3:-3}"
seconds="${duration%s}"
warmup="${KAFKA_BENCH_WARMUP:-10}"
port="${KAFKA_BENCH_PORT:-19092}"
grpc_port="${BENCH_GRPC_PORT:-4317}"; admin_port="${BENCH_ADMIN_PORT:-8888}"
dist="$(ls -d packaging/target/stacklens-agent-*/ | head -n 1)"
work="$(mktemp -d)"
export KAFKA_BENCH_DIR="$work/kafka"
# Each round writes several GB: keep 512 MiB per partition, so the page cache and the disk's
# write-back do not slow later rounds down (they did: 12 GB after two rounds, agent CPU per record
# up by half).
export KAFKA_BENCH_RETENTION_BYTES="${KAFKA_BENCH_RETENTION_BYTES:-536870912}"
agent=""
cleanup() { [ -n "$agent" ] && kill "$agent" 2>/dev/null || true; bench/kafka-broker.sh stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

bench_cp="$(bench/test-classpath.sh exporters)"
tck="$(getconf CLK_TCK)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

bootstrap="$(bench/kafka-broker.sh start "$port" | tail -n 1)"
echo "broker: $bootstrap"

# measure_server PID REPORT [duration]: loadgen against the server on grpc_port (the warm-up, then
# the measured part) -> prints "records/s cpu_us_per_record" of PID over the measured part.
measure_server() {
  local pid="$1" report="$2" measured="${3:-$duration}"
  local load=(--endpoint "127.0.0.1:$grpc_port" --protocol grpc --batch-size 100 --body-size 200 --concurrency 8)
  JAVA_OPTS="${LOADGEN_JAVA_OPTS:-}" "$dist/bin/stacklens-agent" loadgen "${load[@]}" --duration "${warmup}s" >/dev/null
  local before; before=$(cpu_ticks "$pid")
  JAVA_OPTS="${LOADGEN_JAVA_OPTS:-}" "$dist/bin/stacklens-agent" loadgen "${load[@]}" --duration "$measured" --report-json "$report" >"$work/loadgen.log"
  local after; after=$(cpu_ticks "$pid")
  python3 - "$report" "$before" "$after" "$tck" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cpu_us = (int(sys.argv[3]) - int(sys.argv[2])) / int(sys.argv[4]) * 1e6
print(f'{r["recordsPerSecond"]:.0f} {cpu_us / max(r["recordsAcknowledged"], 1):.2f}')
PY
}

# serve_and_measure LOG READY DELIVERED MEASURED COMMAND...: starts COMMAND (output to LOG), waits
# for READY in LOG, measures it (measure_server), stops it with SIGTERM and fails unless LOG then
# says DELIVERED (nothing acknowledged was lost) -> prints "records/s cpu_us_per_record".
serve_and_measure() {
  local log="$1" ready="$2" delivered="$3" measured="$4"; shift 4
  "$@" >"$log" 2>&1 &
  agent=$!
  for _ in $(seq 1 200); do grep -q "$ready" "$log" 2>/dev/null && break; sleep 0.1; done
  local figures; figures="$(measure_server "$agent" "$work/report.json" "$measured")"
  kill -TERM "$agent"; wait "$agent" || true; agent=""
  grep -q "$delivered" "$log" \
    || { echo "$* lost what it acknowledged; its log:" >&2; tail -n 20 "$log" >&2; exit 1; }
  echo "$figures"
}

run_bridge() { # topic -> prints "records/s cpu_us_per_record"
  serve_and_measure "$work/bridge.log" "bridge listening" "acknowledged by the broker, 0 failed" "$duration" \
    java -Xmx128m -XX:+UseParallelGC -cp "$bench_cp" io.stacklens.exporter.kafka.bench.OtlpKafkaBridgeBaseline \
    "$bootstrap" "$1" "127.0.0.1:$grpc_port"
}

run_agent() { # encoding topic [duration] -> prints "records/s cpu_us_per_record"
  local encoding="$1" topic="$2" measured="${3:-$duration}"
  cat >"$work/agent.yaml" <<YAML
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:$grpc_port }
exporters:
  kafka:
    brokers: [$bootstrap]
    topic: $topic
    encoding: $encoding
service:
  telemetry: { endpoint: 127.0.0.1:$admin_port }
  pipelines:
    logs: { receivers: [otlp], exporters: [kafka] }
YAML
  serve_and_measure "$work/agent-$topic.log" "agent running" "everything acknowledged was delivered" "$measured" \
    "$dist/bin/stacklens-agent" run --config "$work/agent.yaml"
}

# The broker's own JIT warm-up: without it the first round's agent ran ~40% slower than the others.
for encoding in $encodings; do run_agent "$encoding" "bench_warmup_${encoding}_$$" 10s >/dev/null; done
echo "broker warmed up (one 20 s agent run per encoding, not counted)"

results="$work/results"
for r in $(seq 1 "$rounds"); do
  for encoding in $encodings; do
    topic="bench_${encoding}_${r}_$$"
    read -r rps cpu <<<"$(run_agent "$encoding" "$topic")"
    printf 'round %s %-10s agent    %10s records/s  %6s µs CPU/record\n' "$r" "$encoding" "$rps" "$cpu"
    line="$(java -cp "$bench_cp" io.stacklens.exporter.kafka.bench.KafkaProducerBaseline \
      "$bootstrap" "$topic" "${topic}_baseline" "$encoding" "$warmup" "$seconds" 2>/dev/null | grep '^baseline:')"
    base="$(sed -E 's/.* = ([0-9,]+) records\/s.*/\1/; s/,//g' <<<"$line")"
    base_cpu="$(sed -E 's/.* ([0-9.]+) µs CPU\/record.*/\1/' <<<"$line")"
    printf 'round %s %-10s baseline %10s records/s  %6s µs CPU/record  (%s)\n' "$r" "$encoding" "$base" "$base_cpu" "${line#*CPU/record, }"
    bridge="-"; bridge_cpu="-"
    if [ "$encoding" = otlp_proto ] && [ "${KAFKA_BENCH_BRIDGE:-1}" != 0 ]; then
      read -r bridge bridge_cpu <<<"$(run_bridge "${topic}_bridge")"
      printf 'round %s %-10s bridge   %10s records/s  %6s µs CPU/record\n' "$r" "$encoding" "$bridge" "$bridge_cpu"
    fi
    echo "$encoding $rps $cpu $base $base_cpu $bridge $bridge_cpu" >>"$results"
  done
done
python3 - "$results" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    enc, rps, cpu, base, base_cpu, bridge, bridge_cpu = line.split()
    runs[enc].append((float(rps), float(cpu), float(base), float(base_cpu),
                      None if bridge == "-" else float(bridge), None if bridge_cpu == "-" else float(bridge_cpu)))
for enc, rows in runs.items():
    a = statistics.median(r[0] for r in rows); b = statistics.median(r[2] for r in rows)
    ratios = ", ".join(f"{r[0] / r[2]:.2f}" for r in rows)
    print(f"{enc}: agent {a:,.0f} records/s ({statistics.median(r[1] for r in rows):.2f} µs CPU/record), "
          f"baseline {b:,.0f} records/s ({statistics.median(r[3] for r in rows):.2f} µs CPU/record); agent/baseline {a / b:.2f} (per round: {ratios})")
    if rows[0][4] is not None:
        g = statistics.median(r[4] for r in rows)
        bratios = ", ".join(f"{r[0] / r[4]:.2f}" for r in rows)
        print(f"{enc}: bridge {g:,.0f} records/s ({statistics.median(r[5] for r in rows):.2f} µs CPU/record); agent/bridge {a / g:.2f} (per round: {bratios})")
PY

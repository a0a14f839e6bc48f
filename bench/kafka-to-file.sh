#!/usr/bin/env bash
# Kafka -> agent (kafka receiver) -> file (json_lines) throughput, beside a plain kafka-clients consumer
# reading and decoding the same topic in the same run (KafkaConsumerBench baseline).
#
#   bench/kafka-to-file.sh [RECORDS] [ENCODINGS]      # default 2000000 "otlp_proto text"
#
# For each encoding: fills a fresh topic (1 partition) on a local broker (bench/kafka-broker.sh) with
# RECORDS log records (otlp_proto: 100 records of ~200-byte bodies per message; text: one ~200-byte line
# per message), then starts the agent reading it from the start and times first accepted record ->
# RECORDS written by the file exporter (from /metrics), then the baseline consumer on the same topic.
# Build first: ./mvnw -q -DskipTests package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
records="${1:-2000000}"
encodings="${2:-otlp_proto text}"
port="${KAFKA_BENCH_PORT:-19192}"
admin_port="${BENCH_ADMIN_PORT:-8898}"
dist="$(ls -d packaging/target/stacklens-agent-*/ | head -n 1)"
work="$(mktemp -d)"
export KAFKA_BENCH_DIR="$work/kafka"
agent=""
cleanup() { [ -n "$agent" ] && kill "$agent" 2>/dev/null || true; bench/kafka-broker.sh stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

bench_cp="$(bench/test-classpath.sh receivers)"
bench() { java -Xmx1g -cp "$bench_cp" io.stacklens.receiver.kafka.bench.KafkaConsumerBench "$@"; }
metric() { curl -s "127.0.0.1:$admin_port/metrics" | awk -v m="$1" 'index($0, m"{") == 1 {s+=$2} END {printf "%d", s}'; }

bootstrap="$(bench/kafka-broker.sh start "$port" | tail -n 1)"
echo "broker: $bootstrap"

for encoding in $encodings; do
  topic="bench_${encoding}_$$"
  bench fill "$bootstrap" "$topic" "$records" "$encoding"
  cat >"$work/agent.yaml" <<YAML
receivers:
  kafka:
    brokers: ["$bootstrap"]
    topics: [$topic]
    group_id: bench-$$
    encoding: $encoding
    initial_offset: earliest
exporters:
  file:
    path: $work/out-$encoding.jsonl
    format: json_lines
    rotation: { max_megabytes: 4096, max_backups: 1, compress: false }   # as bench/agent-file.yaml: no gzip competing for the cores
service:
  telemetry: { endpoint: 127.0.0.1:$admin_port }
  pipelines:
    logs: { receivers: [kafka], exporters: [file] }
YAML
  "$dist/bin/stacklens-agent" run --config "$work/agent.yaml" >"$work/agent-$encoding.log" 2>&1 &
  agent=$!
  t0=""; written=0
  for _ in $(seq 1 6000); do
    accepted="$(metric stacklens_receiver_accepted_records_total 2>/dev/null || echo 0)"
    [ -z "$t0" ] && [ "${accepted:-0}" -gt 0 ] && t0="$(date +%s.%N)"
    written="$(metric stacklens_exporter_sent_records_total 2>/dev/null || echo 0)"
    [ "${written:-0}" -ge "$records" ] && break
    sleep 0.1
  done
  t1="$(date +%s.%N)"
  kill -TERM "$agent"; wait "$agent" || true; agent=""
  lines=$(cat "$work"/out-"$encoding"*.jsonl | wc -l)
  echo "=== agent, encoding $encoding: $written records written ($lines lines in the file) in $(echo "$t1 - $t0" | bc) s" \
    "= $(echo "$written / ($t1 - $t0)" | bc) records/s (first accepted record -> last written, polled every 100 ms)"
  bench baseline "$bootstrap" "$topic" "$records" "$encoding"
  rm -f "$work"/out-"$encoding"*.jsonl
done

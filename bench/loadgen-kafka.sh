#!/usr/bin/env bash
# End-to-end Kafka benchmark: loadgen (OTLP/gRPC, 100 records x ~200-byte bodies per request) -> agent
# -> kafka exporter -> a local single-node broker (bench/kafka-broker.sh), once per encoding, each
# beside a baseline on the same broker in the same run: a plain kafka-clients producer with the
# exporter's producer settings sending the same number of records as the agent delivered, as the same
# messages (KafkaProducerBaseline samples them from the agent's topic).
#
#   bench/loadgen-kafka.sh [DURATION] [ENCODINGS] [extra loadgen args...]   # e.g. 15s "otlp_proto json"
# Build first: ./mvnw -q -DskipTests package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-60s}"; shift || true
encodings="${1:-otlp_proto json}"; shift || true
port="${KAFKA_BENCH_PORT:-19092}"
grpc_port="${BENCH_GRPC_PORT:-4317}"; admin_port="${BENCH_ADMIN_PORT:-8888}"
dist="$(ls -d packaging/target/stacklens-agent-*/ | head -n 1)"
work="$(mktemp -d)"
export KAFKA_BENCH_DIR="$work/kafka"
agent=""
cleanup() { [ -n "$agent" ] && kill "$agent" 2>/dev/null || true; bench/kafka-broker.sh stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

bench_cp="$(bench/test-classpath.sh exporters)"

bootstrap="$(bench/kafka-broker.sh start "$port" | tail -n 1)"
echo "broker: $bootstrap"

for encoding in $encodings; do
  topic="bench_${encoding}_$$"
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
  "$dist/bin/stacklens-agent" run --config "$work/agent.yaml" >"$work/agent-$encoding.log" 2>&1 &
  agent=$!
  for _ in $(seq 1 100); do grep -q "agent running" "$work/agent-$encoding.log" 2>/dev/null && break; sleep 0.1; done
  echo "=== agent -> kafka, encoding $encoding"
  "$dist/bin/stacklens-agent" loadgen --endpoint "127.0.0.1:$grpc_port" --protocol grpc --batch-size 100 --body-size 200 --concurrency 8 \
    --warmup 10s --duration "$duration" --report-json "$work/report-$encoding.json" "$@"
  delivered="$(curl -s 127.0.0.1:$admin_port/metrics | awk '/^stacklens_exporter_sent_records_total\{.*signal="logs"/ {s+=$2} END {printf "%d", s}')"
  kill -TERM "$agent"; wait "$agent" || true; agent=""
  echo "agent: records delivered to Kafka (warm-up included) before shutdown: $delivered"
  tail -n 2 "$work/agent-$encoding.log"
  acked="$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['recordsAcknowledged'])" "$work/report-$encoding.json" 2>/dev/null || echo "$delivered")"
  echo "=== baseline: plain producer, same settings, $acked records as the agent's $encoding messages"
  java -cp "$bench_cp" io.stacklens.exporter.kafka.bench.KafkaProducerBaseline "$bootstrap" "$topic" "${topic}_baseline" "$acked" "$encoding"
done

#!/usr/bin/env bash
# Starts or stops a single-node Kafka broker (KRaft: broker + controller in one JVM) for benchmarks,
# run from the kafka_2.13 jars Maven already has (the agent module's test classpath), the same way the
# tests' KafkaBroker does: kafka.tools.StorageTool format, then kafka.Kafka.
#
#   bench/kafka-broker.sh start [PORT]   # default 9092; prints the bootstrap address; returns when it is up
#   bench/kafka-broker.sh stop           # SIGTERM, waits for a clean exit, deletes its data
#   bench/kafka-broker.sh status
#
# State (config, data, broker.log, pid) lives in ${KAFKA_BENCH_DIR:-/tmp/stacklens-bench-kafka}.
# Heap: KAFKA_HEAP (default -Xmx1g). KAFKA_BENCH_RETENTION_BYTES, when set, is each partition's
# log.retention.bytes (checked every 5 s, 128 MiB segments), for benchmarks that write more than the
# page cache should hold: the broker then deletes old segments, often before they reach the disk.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir="${KAFKA_BENCH_DIR:-/tmp/stacklens-bench-kafka}"
cmd="${1:-}"; port="${2:-9092}"; controller_port=$((port + 1))

classpath() {
  local out=agent/testing/target/kafka-broker-classpath.txt
  if [ ! -s "$out" ] || [ agent/testing/pom.xml -nt "$out" ] || [ pom.xml -nt "$out" ]; then
    ./mvnw -q -B -o -pl agent/testing dependency:build-classpath -Dmdep.outputFile=target/kafka-broker-classpath.txt \
      -Dmdep.includeScope=test >/dev/null \
    || ./mvnw -q -B -pl agent/testing dependency:build-classpath -Dmdep.outputFile=target/kafka-broker-classpath.txt \
      -Dmdep.includeScope=test >/dev/null
  fi
  cat "$out"
}

running() { [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; }

case "$cmd" in
  start)
    if running; then echo "already running (pid $(cat "$dir/pid")): 127.0.0.1:$(cat "$dir/port")"; exit 0; fi
    rm -rf "$dir"; mkdir -p "$dir/data"
    cp="$(classpath)"
    cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
    if [ -n "${KAFKA_BENCH_RETENTION_BYTES:-}" ]; then
      printf 'log.retention.bytes=%s\nlog.segment.bytes=134217728\nlog.retention.check.interval.ms=5000\nlog.segment.delete.delay.ms=1000\n' \
        "$KAFKA_BENCH_RETENTION_BYTES" >>"$dir/server.properties"
    fi
    java -Xmx256m -cp "$cp" kafka.tools.StorageTool format -t "$(java -Xmx128m -cp "$cp" kafka.tools.StorageTool random-uuid)" \
      -c "$dir/server.properties" >"$dir/format.log" 2>&1 || { cat "$dir/format.log"; exit 1; }
    nohup java -Xms256m ${KAFKA_HEAP:--Xmx1g} -XX:+UseParallelGC -cp "$cp" kafka.Kafka "$dir/server.properties" \
      >"$dir/broker.log" 2>&1 &
    echo $! >"$dir/pid"; echo "$port" >"$dir/port"
    for _ in $(seq 1 300); do
      if ! running; then echo "broker exited:"; tail -n 40 "$dir/broker.log"; exit 1; fi
      # The broker logs nothing (no SLF4J binding on this classpath): ready once its listener accepts.
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then sleep 1; echo "127.0.0.1:$port"; exit 0; fi
      sleep 0.2
    done
    echo "broker did not start within 60 s:"; tail -n 40 "$dir/broker.log"; exit 1
    ;;
  stop)
    if running; then
      pid="$(cat "$dir/pid")"; kill -TERM "$pid"
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -rf "$dir"
    ;;
  status)
    if running; then echo "running (pid $(cat "$dir/pid")): 127.0.0.1:$(cat "$dir/port")"; else echo "stopped"; exit 1; fi
    ;;
  *) echo "usage: $0 start [PORT] | stop | status" >&2; exit 2 ;;
esac

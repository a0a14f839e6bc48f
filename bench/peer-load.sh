# Sourced by bench/vs-fluent-bit.sh, bench/cpu-by-thread.sh and bench/latency-at-half-load.sh, so that
# they measure the same thing: the built distribution, the load of the comparison with Fluent Bit
# (../shared/peers/README.md: OTLP/gRPC, 100 records per request, ~200-byte JSON bodies, 5
# attributes, 8 in flight), and an agent started on a benchmark config.
# shellcheck shell=bash
dist="$(ls -d packaging/target/stacklens-agent-*/ | head -n 1)"
peer_load=(--protocol grpc --batch-size 100 --body-size 200 --body-format json --attributes 5 --concurrency 8)

# start_agent CONFIG DIR: runs the agent on CONFIG (files under DIR, log in DIR/agent.log), sets
# $agent to its pid and returns once it logged "agent running" (or after 20 s).
start_agent() {
  BENCH_DIR="$2" STACKLENS_TESTDATA="$PWD/testdata" "$dist/bin/stacklens-agent" run --config "$1" >"$2/agent.log" 2>&1 &
  agent=$!
  for _ in $(seq 1 200); do grep -q "agent running" "$2/agent.log" 2>/dev/null && break; sleep 0.1; done
}

# loadgen ARGS...: the distribution's load generator. JAVA_OPTS reaches the agent only (start_agent);
# the load generator runs with LOADGEN_JAVA_OPTS instead, so an A/B of the agent's JVM options changes
# the agent alone, and the instrument can be given room of its own.
loadgen() { JAVA_OPTS="${LOADGEN_JAVA_OPTS:-}" "$dist/bin/stacklens-agent" loadgen "$@"; }

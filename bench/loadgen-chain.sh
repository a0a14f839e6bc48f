#!/usr/bin/env bash
# Processor-chain cost, end to end: the same loadgen run (OTLP/gRPC, 100 records per request, JSON
# bodies) against the agent with a pass-through pipeline (bench/agent-file.yaml) and with the full
# chain parse + enrich (resource, geoip, cached csv lookup) + filter (bench/agent-chain.yaml),
# alternating, ROUNDS times each. Prints each run's records/s, the medians and the ratio.
# Usage: bench/loadgen-chain.sh [DURATION per run, default 30s] [ROUNDS, default 3]
# Build first: ./mvnw -q -DskipTests package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-30s}"
rounds="${2:-3}"
dist="$(ls -d packaging/target/stacklens-agent-*/ | head -n 1)"
work="$(mktemp -d)"
agent=""
trap '[ -n "$agent" ] && kill "$agent" 2>/dev/null; rm -rf "$work"' EXIT

# The lookup table of the chain: 1,000 products, the ids loadgen's JSON bodies use.
{ echo "product_id,product_name,price,category"
  for i in $(seq 0 999); do echo "p-$i,Product $i,$((i % 97)).99,cat-$((i % 12))"; done; } >"$work/products.csv"

run() { # config name -> prints records/s
  local config="$1" out="$work/$2"
  mkdir -p "$out"
  BENCH_DIR="$out" BENCH_PRODUCTS="$work/products.csv" STACKLENS_TESTDATA="$PWD/testdata" \
    "$dist/bin/stacklens-agent" run --config "$config" >"$out/agent.log" 2>&1 &
  agent=$!
  for _ in $(seq 1 100); do grep -q "agent running" "$out/agent.log" 2>/dev/null && break; sleep 0.1; done
  "$dist/bin/stacklens-agent" loadgen --protocol grpc --batch-size 100 --body-size 300 --body-format json \
    --concurrency 8 --warmup 10s --duration "$duration" --report-json "$out/report.json" >/dev/null
  kill -TERM "$agent"; wait "$agent" || true; agent=""
  python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["recordsPerSecond"]))' "$out/report.json"
}

pass=(); chain=()
for r in $(seq 1 "$rounds"); do
  p=$(run bench/agent-file.yaml "pass-$r"); pass+=("$p")
  c=$(run bench/agent-chain.yaml "chain-$r"); chain+=("$c")
  echo "round $r: pass-through $p records/s, chain $c records/s"
  rm -rf "$work/pass-$r"/logs* "$work/chain-$r"/*.jsonl
done
python3 - "${pass[*]}" "${chain[*]}" <<'PY'
import statistics, sys
p = [float(x) for x in sys.argv[1].split()]; c = [float(x) for x in sys.argv[2].split()]
mp, mc = statistics.median(p), statistics.median(c)
print(f"median pass-through {mp:,.0f} records/s, median chain {mc:,.0f} records/s, chain/pass-through = {mc / mp:.2f}")
PY

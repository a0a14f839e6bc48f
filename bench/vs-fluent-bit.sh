#!/usr/bin/env bash
# The agent beside Fluent Bit (the peer in ../shared/peers, configurations from its README.md) on the
# same load: loadgen OTLP/gRPC, 100 records per request, ~200-byte JSON bodies, 5 attributes, 8 in
# flight; 10 s warm-up, then DURATION measured. Alternating runs, ROUNDS each, for the pass-through
# (OTLP -> file) and the chain (parse JSON + GeoIP city + drop action=logout + static field -> file).
# Prints per run: records/s, CPU µs per record of the server process (utime+stime from /proc over
# the measured run), its peak RSS (VmHWM); then medians and the agent/peer ratios.
# When the peer binary is missing it says so and measures the agent alone.
# Usage: bench/vs-fluent-bit.sh [DURATION, default 30s] [ROUNDS, default 3] [PATHS, default "pass chain"]
# Build first: ./mvnw -q -DskipTests package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-30s}"
rounds="${2:-3}"
paths="${3:-pass chain}"
source bench/peer-load.sh
peer="${PEER_BIN:-../shared/peers/fluent-bit}"
testdata="$PWD/testdata"
work="$(mktemp -d)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
[ -x "$peer" ] || { echo "no peer binary at $peer: measuring the agent alone"; peer=""; }
tck=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

fb_config() { # path -> Fluent Bit config file
  local path="$1" out="$work/fb-$1"
  mkdir -p "$out"
  printf '[PARSER]\n    Name json\n    Format json\n' >"$work/parsers.conf"
  {
    printf '[SERVICE]\n    Flush 1\n    Log_Level error\n    Parsers_File %s\n' "$work/parsers.conf"
    printf '[INPUT]\n    Name opentelemetry\n    Listen 127.0.0.1\n    Port 4317\n    http2 true\n'
    if [ "$path" = chain ]; then
      printf '[FILTER]\n    Name parser\n    Match *\n    Key_Name log\n    Parser json\n    Reserve_Data On\n'
      printf '[FILTER]\n    Name geoip2\n    Match *\n    Database %s/geoip/GeoLite2-City-Test.mmdb\n' "$testdata"
      printf '    Lookup_key client_ip\n    Record geo.country.iso_code client_ip %%{country.iso_code}\n'
      printf '    Record geo.city.name client_ip %%{city.names.en}\n'
      printf '[FILTER]\n    Name grep\n    Match *\n    Exclude action ^logout$\n'
      printf '[FILTER]\n    Name modify\n    Match *\n    Add deployment.environment benchmark\n'
    fi
    printf '[OUTPUT]\n    Name file\n    Match *\n    Path %s\n' "$out"
  } >"$work/fb-$path.conf"
  echo "$work/fb-$path.conf"
}

wait_port() { for _ in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/4317) 2>/dev/null && return 0; sleep 0.1; done; return 1; }

run() { # who path -> prints "records/s cpu_us_per_record peak_rss_mib"
  local who="$1" path="$2" out="$work/$1-$2"
  mkdir -p "$out"
  if [ "$who" = agent ]; then
    local config=bench/agent-file.yaml
    [ "$path" = chain ] && config=bench/agent-peer-chain.yaml
    BENCH_DIR="$out" STACKLENS_TESTDATA="$testdata" "$dist/bin/stacklens-agent" run --config "$config" >"$out/server.log" 2>&1 &
  else
    "$peer" -c "$(fb_config "$path")" >"$out/server.log" 2>&1 &
  fi
  server=$!
  wait_port || { echo "server did not listen; log:" >&2; cat "$out/server.log" >&2; exit 1; }
  loadgen "${peer_load[@]}" --duration 10s >/dev/null
  local before; before=$(cpu_ticks "$server")
  loadgen "${peer_load[@]}" --duration "$duration" --report-json "$out/report.json" >/dev/null
  local after; after=$(cpu_ticks "$server")
  local rss; rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
  kill -TERM "$server"; wait "$server" || true; server=""
  python3 - "$out/report.json" "$before" "$after" "$tck" "$rss" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
records = r["recordsAcknowledged"]
cpu_us = (int(sys.argv[3]) - int(sys.argv[2])) / int(sys.argv[4]) * 1e6
print(f'{r["recordsPerSecond"]:.0f} {cpu_us / max(records, 1):.2f} {int(sys.argv[5]) / 1024:.0f}')
PY
  rm -rf "$out"
}

results="$work/results"
for r in $(seq 1 "$rounds"); do
  for path in $paths; do
    for who in agent ${peer:+peer}; do
      line=$(run "$who" "$path")
      echo "$who $path $line" >>"$results"
      read -r rps cpu rss <<<"$line"
      printf 'round %s %-5s %-5s %10s records/s  %6s µs CPU/record  peak RSS %s MiB\n' "$r" "$path" "$who" "$rps" "$cpu" "$rss"
    done
  done
done
python3 - "$results" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, path, rps, cpu, rss = line.split()
    runs[(who, path)].append((float(rps), float(cpu), float(rss)))
for path in dict.fromkeys(p for _, p in runs):
    a = runs.get(("agent", path)); p = runs.get(("peer", path))
    med = lambda rows, i: statistics.median(r[i] for r in rows)
    line = f"{path}: agent {med(a,0):,.0f} records/s, {med(a,1):.2f} µs CPU/record, peak RSS {max(r[2] for r in a):.0f} MiB"
    if p:
        line += (f"; Fluent Bit {med(p,0):,.0f} records/s, {med(p,1):.2f} µs CPU/record, peak RSS {max(r[2] for r in p):.0f} MiB"
                 f"; agent/peer throughput {med(a,0) / med(p,0):.2f}, CPU per record {med(a,1) / med(p,1):.2f}")
    print(line)
PY

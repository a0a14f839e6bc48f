#!/usr/bin/env bash
# Where the agent's CPU goes, by thread group: runs the agent on CONFIG, sends the benchmark load
# (loadgen OTLP/gRPC, 100 records per request, ~200-byte JSON bodies, 5 attributes, 8 in flight) for
# a 10 s warm-up, then DURATION measured, and prints each thread group's CPU seconds (utime+stime
# from /proc/<pid>/task/*/stat over the measured run), µs per record and share. Thread names are
# grouped by dropping their trailing number (exporter-file-sender-0..3 -> exporter-file-sender).
# Also the agent's peak RSS (VmHWM). JAVA_OPTS reaches the agent's launcher, for A/B runs of JVM
# options; the load generator's are LOADGEN_JAVA_OPTS (bench/peer-load.sh).
# Usage: bench/cpu-by-thread.sh [CONFIG, default bench/agent-file.yaml] [DURATION, default 20s]
# Build first: ./mvnw -q -DskipTests package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
config="${1:-bench/agent-file.yaml}"
duration="${2:-20s}"
source bench/peer-load.sh
work="$(mktemp -d)"
agent=""
trap '[ -n "$agent" ] && kill "$agent" 2>/dev/null; rm -rf "$work"' EXIT

start_agent "$config" "$work"

# Per thread: "name utime+stime" (the name is field 2, in parentheses, and may hold spaces).
snapshot() {
  for t in /proc/"$agent"/task/*; do
    python3 -c 'import sys; s=open(sys.argv[1]).read(); n=s[s.index("(")+1:s.rindex(")")]; f=s[s.rindex(")")+2:].split(); print(n.replace(" ","_"), int(f[11])+int(f[12]))' "$t/stat" 2>/dev/null || true
  done
}
loadgen "${peer_load[@]}" --duration 10s >/dev/null
snapshot >"$work/before"
loadgen "${peer_load[@]}" --duration "$duration" --report-json "$work/report.json" >/dev/null
snapshot >"$work/after"
rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$agent/status")
python3 - "$work/before" "$work/after" "$work/report.json" "$(getconf CLK_TCK)" "$rss_kib" <<'PY'
import collections, json, re, sys
def read(path):
    totals = collections.Counter()
    for line in open(path):
        name, ticks = line.rsplit(" ", 1)
        totals[re.sub(r"[-#]?\d+$", "", name)] += int(ticks)
    return totals
before, after = read(sys.argv[1]), read(sys.argv[2])
report = json.load(open(sys.argv[3])); records = report["recordsAcknowledged"]; tck = int(sys.argv[4])
delta = {k: after[k] - before.get(k, 0) for k in after}
total = sum(delta.values())
print(f'{report["recordsPerSecond"]:,.0f} records/s; agent CPU {total / tck / records * 1e6:.2f} µs per record;'
      f' peak RSS {int(sys.argv[5]) / 1024:.0f} MiB')
for name, ticks in sorted(delta.items(), key=lambda kv: -kv[1]):
    if ticks == 0: continue
    print(f"  {name:28s} {ticks / tck:7.2f} s  {ticks / tck / records * 1e6:6.3f} µs/record  {100 * ticks / total:5.1f}%")
PY

#!/usr/bin/env bash
# Hostile-input benchmark (docs/reliability.md): starts the packaged agent through its launcher, with the
# launcher's default JVM options (-Xmx128m ...), and sends it each hostile case: the five single requests
# that used to end it in OutOfMemoryError, two 19 MiB bodies at once, three requests cut under the body
# limit that reach the decode limits, a slowloris (idle connections with partial requests) and a burst
# of fuzzed requests. Samples the agent's RSS every 100 ms from
# /proc/<pid>/status and prints a markdown table: case, answer(s), agent alive after, peak RSS MiB.
#
#   bench/hostile.sh [--fuzz N] [--fuzz-seed N] [--idle N] [--idle-seconds S] [--work DIR]
#                    [--only all|cases|fuzz] [--hold S]
#   (defaults: 2000 fuzzed requests, a random seed, 2000 idle connections held 30 s, a temp dir, all;
#    --hold keeps the agent up S seconds after the last case, for jcmd)
#
# Builds nothing of the agent: build first with ./mvnw -q -DskipTests package. The client's class path
# comes from bench/test-classpath.sh (integration-tests test classes, compiled by that package run).
# Linux only (/proc). Run it on an otherwise idle machine: the RSS figures are what it is for.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dist="$(ls -d packaging/target/stacklens-agent-*/ 2>/dev/null | head -n 1)"
if [ -z "$dist" ]; then
  echo "bench/hostile.sh: no packaged agent in packaging/target/; build first: ./mvnw -q -DskipTests package" >&2
  exit 1
fi
cp="$(bench/test-classpath.sh integration-tests)"
exec java -Xmx2g -cp "$cp" io.stacklens.agent.it.bench.HostileBench --dist "${dist%/}" "$@"

#!/usr/bin/env bash
# Runs JMH benchmarks of one module: bench/jmh.sh MODULE [JMH args...]
#   bench/jmh.sh agent/cli 'OtlpDecodeBenchmark|RingBenchmark' -f 1 -wi 3 -i 5 -w 2s -r 2s
# Benchmarks live in MODULE/src/test/java/**/bench and are compiled with the tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
module="$1"; shift
cp="$(bench/test-classpath.sh "$module")"
exec java -cp "$cp" org.openjdk.jmh.Main "$@"

#!/usr/bin/env bash
# Runs JMH benchmarks of one module: bench/jmh.sh MODULE [JMH args...]
#   bench/jmh.sh agent 'OtlpDecodeBenchmark|RingBenchmark' -f 1 -wi 3 -i 5 -w 2s -r 2s
# Benchmarks live in MODULE/src/test/java/**/bench and are compiled with the tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
module="$1"; shift
./mvnw -q -B -pl "$module" -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/jmh-classpath.txt -Dmdep.includeScope=test >/dev/null
cp="$module/target/test-classes:$module/target/classes:$(cat "$module/target/jmh-classpath.txt")"
exec java -cp "$cp" org.openjdk.jmh.Main "$@"

#!/usr/bin/env bash
# Compiles MODULE with its tests (and what it needs) and prints its test class path: its own classes,
# then every dependency (sibling modules as their target/classes). For the benchmark mains and JMH.
#   bench/test-classpath.sh MODULE
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
module="$1"
out="target/bench-classpath.txt"
./mvnw -q -B -o -pl "$module" -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$out" -Dmdep.includeScope=test >/dev/null 2>&1 \
|| ./mvnw -q -B -pl "$module" -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$out" -Dmdep.includeScope=test >/dev/null
echo "$module/target/test-classes:$module/target/classes:$(cat "$module/$out")"

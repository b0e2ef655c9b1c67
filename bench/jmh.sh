#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of the hot path (they are compiled by the build but never run by it).
#   bench/jmh.sh                      every benchmark, JMH's defaults from the annotations
#   bench/jmh.sh RouteMatch -f 1      JMH arguments: a name filter, forks, -prof gc, -rf json -rff out.json …
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# one reactor build, so the benchmarks run against this checkout's engine (not one installed in ~/.m2)
mvn -q -B -ntp -pl bench -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile="$here/bench/target/classpath.txt" -Dmdep.includeScope=runtime
exec java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.openjdk.jmh.Main "$@"

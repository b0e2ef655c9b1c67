#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of the hot path (they are compiled by the build but never run by it).
#   bench/jmh.sh                      every benchmark, JMH's defaults from the annotations
#   bench/jmh.sh RouteMatch -f 1      JMH arguments: a name filter, forks, -prof gc, -rf json -rff out.json …
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -q -B -ntp -pl bench -am -DskipTests package
mvn -q -B -ntp -pl bench dependency:build-classpath -Dmdep.outputFile=bench/target/classpath.txt -Dmdep.includeScope=runtime >/dev/null
exec java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.openjdk.jmh.Main "$@"

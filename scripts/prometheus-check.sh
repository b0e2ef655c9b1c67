#!/usr/bin/env bash
# A real Prometheus scrapes a running Bookinfo (issue 6, "done when"):
#   1. starts `loopmesh run --headless` on the built-in Bookinfo, on free ports of 127.0.0.1;
#   2. starts Debian's Prometheus on 127.0.0.1 with a generated config scraping /stats/prometheus every 2 s;
#   3. waits, then asks Prometheus for sum(rate(istio_requests_total{destination_workload="reviews-v2"}[30s]))
#      and fails unless it is above zero;
#   4. lints one scrape with `promtool check metrics` (the one accepted finding: Istio's own metric name
#      istio_request_duration_milliseconds, which promtool would want in seconds);
#   5. prints the figures and stops every process it started.
# CI does not run this script: it takes about a minute (a mesh, a Prometheus, 30 s of samples) — too slow
# for every commit. Run it by hand: scripts/prometheus-check.sh   (as root it installs `prometheus` if missing)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wait_samples="${PROMETHEUS_CHECK_WAIT:-40}"
accepted_lint='use base unit "seconds" instead of "milliseconds"'

say() { printf '%s\n' "$*"; }
fail() { printf 'prometheus-check: FAIL: %s\n' "$*" >&2; exit 1; }

if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian's prometheus package…"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >/dev/null
  else
    fail "prometheus/promtool not found (install Debian's package: sudo apt-get install prometheus)"
  fi
fi
for tool in java curl python3; do
  command -v "$tool" >/dev/null || fail "$tool not found"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/loopmesh-prometheus-check.XXXXXX")"
mesh_pid=""
prom_pid=""
cleanup() {
  for pid in "$prom_pid" "$mesh_pid"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for() { # url, seconds, what
  for _ in $(seq 1 $(( $2 * 5 ))); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

say "building the engine…"
(cd "$here" && mvn -q -B -ntp -pl engine -DskipTests package \
  && mvn -q -B -ntp -pl engine org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
       -Dmdep.outputFile="$work/classpath.txt" -Dmdep.includeScope=runtime) >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; fail "build failed"; }
engine_jar="$(ls "$here"/engine/target/loopmesh-engine-*.jar | grep -v -e sources -e tests | head -1)"

ingress_port="$(free_port)"
admin_port="$(free_port)"
prom_port="$(free_port)"

say "starting Bookinfo: ingress 127.0.0.1:$ingress_port, admin 127.0.0.1:$admin_port"
java -cp "$engine_jar:$(cat "$work/classpath.txt")" dev.loopmesh.cli.LoopmeshCli run --headless \
  --ingress-port "$ingress_port" --admin-port "$admin_port" --interval 1h --duration 10m >"$work/mesh.log" 2>&1 &
mesh_pid=$!
wait_for "http://127.0.0.1:$admin_port/healthz" 60 || { cat "$work/mesh.log" >&2; fail "the mesh did not start"; }

cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 2s
scrape_configs:
  - job_name: loopmesh
    metrics_path: /stats/prometheus
    static_configs:
      - targets: ['127.0.0.1:$admin_port']
EOF
promtool check config "$work/prometheus.yml" >/dev/null || fail "generated config rejected by promtool"

say "starting Prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') on 127.0.0.1:$prom_port"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
prom_pid=$!
wait_for "http://127.0.0.1:$prom_port/-/ready" 60 || { cat "$work/prometheus.log" >&2; fail "Prometheus did not start"; }

say "letting Prometheus scrape for ${wait_samples}s…"
sleep "$wait_samples"

query() { # promql → the value of the first sample, or "none"
  curl -fsS "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)
res = r["data"]["result"] if r.get("status") == "success" else []
print(res[0]["value"][1] if res else "none")'
}

up="$(query 'up{job="loopmesh"}')"
samples="$(query 'count(count_over_time(istio_requests_total[1m]))')"
rate_v2="$(query 'sum(rate(istio_requests_total{destination_workload="reviews-v2"}[30s]))')"
rate_all="$(query 'sum(rate(istio_requests_total{reporter="destination"}[30s]))')"
p99_productpage="$(query 'histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload="productpage-v1"}[30s])) by (le))')"

curl -fsS "http://127.0.0.1:$admin_port/stats/prometheus" >"$work/scrape.txt"
lint_exit=0
promtool check metrics <"$work/scrape.txt" >"$work/lint.txt" 2>&1 || lint_exit=$?
unexpected="$(grep -v -F "$accepted_lint" "$work/lint.txt" | grep -v '^[[:space:]]*$' || true)"
accepted="$(grep -c -F "$accepted_lint" "$work/lint.txt" || true)"

say ""
say "target up{job=\"loopmesh\"}                                   $up"
say "istio_requests_total series                                  $samples"
say "scrape size                                                  $(wc -l <"$work/scrape.txt") lines"
say "sum(rate(istio_requests_total{destination_workload=\"reviews-v2\"}[30s]))   $rate_v2 req/s"
say "sum(rate(istio_requests_total{reporter=\"destination\"}[30s]))              $rate_all req/s"
say "p99 istio_request_duration_milliseconds, productpage-v1 (30s)  $p99_productpage ms"
say "promtool check metrics: exit $lint_exit, $accepted accepted finding(s) (Istio's milliseconds name)"

[ "$up" = "1" ] || fail "Prometheus could not scrape the mesh (up=$up)"
python3 -c "import sys; v = sys.argv[1]; sys.exit(0 if v not in ('none', 'NaN') and float(v) > 0 else 1)" "$rate_v2" \
  || fail "rate of requests to reviews-v2 is $rate_v2 (expected: > 0)"
if [ -n "$unexpected" ] || { [ "$lint_exit" != 0 ] && [ "$lint_exit" != 3 ]; }; then
  printf '%s\n' "$unexpected" >&2
  fail "promtool check metrics found more than the accepted unit lint (exit $lint_exit)"
fi
say "prometheus-check: OK"

/**
 * Istio's standard metrics and the proxies' Envoy-style failure counters on one Prometheus registry.
 * {@link dev.loopmesh.telemetry.metrics.IstioMetrics} is a request sink; its {@code scrape()} is the mesh's
 * {@code /stats/prometheus}. Meter names live in {@link dev.loopmesh.telemetry.metrics.MetricNames}.
 */
package dev.loopmesh.telemetry.metrics;

/**
 * Distributed tracing: W3C Trace Context and B3 propagation ({@link dev.loopmesh.telemetry.tracing.TraceContext}),
 * span recording through a {@link dev.loopmesh.telemetry.tracing.Tracer} into a bounded
 * {@link dev.loopmesh.telemetry.tracing.TraceStore}, and export as Zipkin v2 JSON or OTLP/JSON, to a file or
 * a collector on loopback.
 */
package dev.loopmesh.telemetry.tracing;

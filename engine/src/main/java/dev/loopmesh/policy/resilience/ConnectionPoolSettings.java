package dev.loopmesh.policy.resilience;

import java.time.Duration;

/**
 * DestinationRule {@code connectionPool}, with Envoy's defaults where Istio leaves a field unset
 * (2^32-1 connections, pending requests, requests and retries: effectively unlimited).
 */
public record ConnectionPoolSettings(int maxConnections, Duration connectTimeout, int http1MaxPendingRequests,
                                     int http2MaxRequests, int maxRequestsPerConnection, int maxRetries,
                                     Duration idleTimeout) {
    public static final int UNLIMITED = Integer.MAX_VALUE;
    public static final ConnectionPoolSettings DEFAULT = new ConnectionPoolSettings(UNLIMITED, Duration.ofSeconds(10),
            UNLIMITED, UNLIMITED, 0, UNLIMITED, Duration.ofHours(1));
}

package dev.loopmesh.telemetry.metrics;

import dev.loopmesh.telemetry.RequestRecord;

import java.util.List;

/** Request records as the proxies write them, for tests. */
final class Records {
    static final String REVIEWS = "reviews.default.svc.cluster.local";
    static final String PRODUCTPAGE_SA = "spiffe://cluster.local/ns/default/sa/bookinfo-productpage";
    static final String REVIEWS_SA = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";

    private Records() {
    }

    static RequestRecord request(String reporter, String proxy, String source, String destination, String version,
                                 int status, String flags, long durationMicros, long requestBytes, long responseBytes,
                                 boolean mtls) {
        return new RequestRecord(reporter, proxy, 0L, "GET", "/reviews/0", "http", "reviews:9080", status, flags,
                source, "default", mtls ? PRODUCTPAGE_SA : "", destination, "default", REVIEWS,
                mtls ? REVIEWS_SA : "", version, "reviews", "outbound|9080|" + version + "|" + REVIEWS, "127.0.1.3:9080", 1,
                durationMicros, durationMicros, requestBytes, responseBytes, mtls, "id-1", "curl", "127.0.1.1:4000", List.of());
    }

    static RequestRecord outbound(String destination, String version, int status, String flags, long durationMicros) {
        return request("source", "productpage-v1-0", "productpage-v1", destination, version, status, flags, durationMicros,
                0, 120, false);
    }
}

package dev.loopmesh.telemetry.metrics;

import dev.loopmesh.telemetry.RequestRecord;

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
        return RequestRecord.builder()
                .reporter(reporter)
                .proxy(proxy)
                .method("GET")
                .path("/reviews/0")
                .protocol("http")
                .authority("reviews:9080")
                .status(status)
                .responseFlags(flags)
                .sourceWorkload(source)
                .sourceNamespace("default")
                .sourcePrincipal(mtls ? PRODUCTPAGE_SA : "")
                .destinationWorkload(destination)
                .destinationNamespace("default")
                .destinationService(REVIEWS)
                .destinationPrincipal(mtls ? REVIEWS_SA : "")
                .destinationVersion(version)
                .routeName("reviews")
                .upstreamCluster("outbound|9080|" + version + "|" + REVIEWS)
                .upstreamHost("127.0.1.3:9080")
                .attempts(1)
                .durationMicros(durationMicros)
                .upstreamServiceMicros(durationMicros)
                .requestBytes(requestBytes)
                .responseBytes(responseBytes)
                .mtls(mtls)
                .requestId("id-1")
                .userAgent("curl")
                .downstreamAddress("127.0.1.1:4000")
                .build();
    }

    static RequestRecord outbound(String destination, String version, int status, String flags, long durationMicros) {
        return request("source", "productpage-v1-0", "productpage-v1", destination, version, status, flags, durationMicros,
                0, 120, false);
    }
}

package dev.loopmesh.telemetry;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AccessLogFormatTest {
    /** 2020-11-25T21:26:18.409Z, Istio's access log task example. */
    static final long START = 1606339578409L;

    static RequestRecord outbound(String path, int status, String flags, String upstreamHost, List<String> trace) {
        return RequestRecord.builder()
                .reporter("source")
                .proxy("productpage-v1-0")
                .startEpochMillis(START)
                .method("GET")
                .path(path)
                .protocol("http")
                .authority("reviews:9080")
                .status(status)
                .responseFlags(flags)
                .sourceWorkload("productpage-v1")
                .sourceNamespace("default")
                .destinationWorkload("reviews-v2")
                .destinationNamespace("default")
                .destinationService("reviews.default.svc.cluster.local")
                .destinationVersion("v2")
                .routeName("reviews.default.svc.cluster.local:9080/*")
                .upstreamCluster("outbound|9080|v2|reviews.default.svc.cluster.local")
                .upstreamHost(upstreamHost)
                .attempts(2)
                .durationMicros(4_200)
                .upstreamServiceMicros(1_700)
                .responseBytes(135)
                .requestId("84961386-6d84-929d-98bd-c5aee93b5c88")
                .userAgent("Go-http-client/1.1")
                .downstreamAddress("127.0.1.1")
                .trace(trace)
                .build();
    }

    @Test
    void printsIstiosDefaultTextFormatFieldByFieldWithDashesForWhatWeDoNotHave() {
        // Istio EnvoyTextLogFormat (pilot/pkg/model/telemetry_logging.go); Envoy prints "-" for an unset value
        String line = AccessLogFormat.text(outbound("/reviews/0", 200, "-", "127.0.1.3:9080", List.of()));

        assertThat(line).isEqualTo("[2020-11-25T21:26:18.409Z] \"GET /reviews/0 HTTP/1.1\" 200 - via_upstream - \"-\" 0 135 4 1 "
                + "\"-\" \"Go-http-client/1.1\" \"84961386-6d84-929d-98bd-c5aee93b5c88\" \"reviews:9080\" \"127.0.1.3:9080\" "
                + "outbound|9080|v2|reviews.default.svc.cluster.local - - 127.0.1.1 - reviews.default.svc.cluster.local:9080/*");
    }

    @Test
    void startTimeAlwaysHasMilliseconds() {
        RequestRecord r = outbound("/", 200, "-", "127.0.1.3:9080", List.of());
        RequestRecord onTheSecond = r.toBuilder().startEpochMillis(1606339578000L).build();

        assertThat(AccessLogFormat.text(onTheSecond)).startsWith("[2020-11-25T21:26:18.000Z] ");
    }

    @Test
    void anAbsoluteUrlTheAppSentToItsSidecarIsLoggedAsThePathOnly() {
        // Envoy logs %REQ(:PATH)%, the origin form; an app using its sidecar as HTTP proxy sends the absolute form
        assertThat(AccessLogFormat.path("http://reviews:9080/reviews/0")).isEqualTo("/reviews/0");
        assertThat(AccessLogFormat.path("http://reviews:9080/reviews/0?x=1")).isEqualTo("/reviews/0?x=1");
        assertThat(AccessLogFormat.path("http://reviews:9080")).isEqualTo("/");
        assertThat(AccessLogFormat.path("http://reviews:9080?q=1")).isEqualTo("/?q=1");
        assertThat(AccessLogFormat.path("/productpage?u=normal")).isEqualTo("/productpage?u=normal");
        assertThat(AccessLogFormat.text(outbound("http://reviews:9080/reviews/0", 200, "-", "127.0.1.3:9080", List.of())))
                .contains("\"GET /reviews/0 HTTP/1.1\"");
    }

    @Test
    void responseCodeDetailsNameWhyTheProxyEndedTheRequest() {
        assertThat(details(503, "UO", "-")).isEqualTo("upstream_reset_before_response_started{overflow}");
        assertThat(details(404, "NR", "-")).isEqualTo("route_not_found");
        assertThat(details(503, "FI", "-")).isEqualTo("fault_filter_abort");
        assertThat(details(200, "DI", "127.0.1.3:9080")).isEqualTo("via_upstream");
        assertThat(details(503, "URX", "127.0.1.3:9080")).isEqualTo("via_upstream");
        assertThat(details(503, "UH", "-")).isEqualTo("no_healthy_upstream");
        assertThat(details(503, "UF,URX", "127.0.1.3:9080")).isEqualTo("upstream_reset_before_response_started{connection_failure}");
        assertThat(details(429, "RL", "-")).isEqualTo("local_rate_limited");
        assertThat(details(301, "-", "-")).isEqualTo("direct_response");
        assertThat(AccessLogFormat.responseCodeDetails(outbound("/", 504, "UT", "127.0.1.3:9080",
                List.of("+0.1ms attempt 1", "+50ms route timeout after 50ms")))).isEqualTo("response_timeout");
        assertThat(AccessLogFormat.responseCodeDetails(outbound("/", 504, "UT", "127.0.1.3:9080",
                List.of("+0.1ms attempt 1", "+20ms attempt 1 failed: per-try timeout after 20ms")))).isEqualTo("upstream_per_try_timeout");
    }

    private static String details(int status, String flags, String host) {
        return AccessLogFormat.responseCodeDetails(outbound("/", status, flags, host, List.of()));
    }

    @Test
    void jsonUsesIstiosFieldNamesAndTheTextLineCanBeRebuiltFromIt() {
        RequestRecord r = outbound("http://reviews:9080/reviews/0", 503, "UO", "-", List.of());
        Map<String, Object> fields = AccessLogFormat.fields(r);

        assertThat(fields.keySet()).containsAll(AccessLogFormat.ISTIO_JSON_FIELDS).contains(AccessLogFormat.ATTEMPTS);
        assertThat(fields).containsEntry("response_code", 503).containsEntry("response_flags", "UO")
                .containsEntry("path", "/reviews/0").containsEntry("upstream_host", null).containsEntry("x_forwarded_for", null)
                .containsEntry("upstream_service_time", "1").containsEntry(AccessLogFormat.ATTEMPTS, 2);

        JsonMapper json = JsonMapper.builder().build();
        @SuppressWarnings("unchecked")
        Map<String, Object> back = json.readValue(json.writeValueAsString(fields), Map.class);
        assertThat(AccessLogFormat.text(back)).isEqualTo(AccessLogFormat.text(r));
    }
}

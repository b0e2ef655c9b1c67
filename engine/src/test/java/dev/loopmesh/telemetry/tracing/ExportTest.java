package dev.loopmesh.telemetry.tracing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.loopmesh.telemetry.tracing.Spans.span;
import static dev.loopmesh.telemetry.tracing.Spans.traceId;
import static org.assertj.core.api.Assertions.assertThat;

class ExportTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final String id = traceId(41);
    private final List<SpanRecord> spans = List.of(
            span(id, 1, 0, "istio-ingressgateway.istio-system", SpanRecord.Kind.SERVER, 1_700_000_000_000_000L, 9_000, 503, "URX"),
            span(id, 2, 1, "istio-ingressgateway.istio-system", SpanRecord.Kind.CLIENT, 1_700_000_000_000_100L, 4_000, 503, "UO"),
            span(id, 3, 1, "istio-ingressgateway.istio-system", SpanRecord.Kind.CLIENT, 1_700_000_000_004_200L, 4_000, 503, "UO"),
            span(id, 4, 3, "reviews.default", SpanRecord.Kind.SERVER, 1_700_000_000_004_300L, 0, 200, "-"));

    @Test
    void zipkinV2JsonHasHexIdsMicrosAndTags() {
        JsonNode root = JSON.readTree(ZipkinJson.write(spans));

        assertThat(root.isArray()).isTrue();
        assertThat(root.size()).isEqualTo(4);
        JsonNode first = root.get(0);
        assertThat(first.get("traceId").asString()).isEqualTo(id);
        assertThat(first.get("id").asString()).isEqualTo("0000000000000001");
        assertThat(first.has("parentId")).isFalse();
        assertThat(first.get("kind").asString()).isEqualTo("SERVER");
        assertThat(first.get("timestamp").asLong()).isEqualTo(1_700_000_000_000_000L);
        assertThat(first.get("duration").asLong()).isEqualTo(9_000);
        assertThat(first.get("localEndpoint").get("serviceName").asString()).isEqualTo("istio-ingressgateway.istio-system");
        assertThat(first.get("tags").get("http.status_code").asString()).isEqualTo("503");
        assertThat(first.get("tags").get("response_flags").asString()).isEqualTo("URX");
        assertThat(first.get("tags").get("error").asString()).isEqualTo("true");
        assertThat(first.get("tags").get("node_id").asString()).isEqualTo("istio-ingressgateway.istio-system-pod");
        assertThat(root.get(2).get("parentId").asString()).isEqualTo("0000000000000001");
        assertThat(root.get(2).get("kind").asString()).isEqualTo("CLIENT");
        assertThat(root.get(3).get("duration").asLong()).as("Zipkin needs a positive duration").isEqualTo(1);
        assertThat(root.get(3).get("tags").has("error")).isFalse();
    }

    @Test
    void otlpJsonGroupsByServiceWithNanosKindNumbersAndAttributes() {
        JsonNode root = JSON.readTree(OtlpJson.write(spans));

        JsonNode resourceSpans = root.get("resourceSpans");
        assertThat(resourceSpans.size()).isEqualTo(2);
        JsonNode gateway = resourceSpans.get(0);
        assertThat(gateway.get("resource").get("attributes").get(0).get("key").asString()).isEqualTo("service.name");
        assertThat(gateway.get("resource").get("attributes").get(0).get("value").get("stringValue").asString())
                .isEqualTo("istio-ingressgateway.istio-system");
        JsonNode scope = gateway.get("scopeSpans").get(0);
        assertThat(scope.get("scope").get("name").asString()).isEqualTo(OtlpJson.SCOPE);
        JsonNode server = scope.get("spans").get(0);
        assertThat(server.get("traceId").asString()).isEqualTo(id);
        assertThat(server.get("spanId").asString()).isEqualTo("0000000000000001");
        assertThat(server.has("parentSpanId")).isFalse();
        assertThat(server.get("kind").asInt()).isEqualTo(2);
        assertThat(server.get("startTimeUnixNano").asString()).isEqualTo("1700000000000000000");
        assertThat(server.get("endTimeUnixNano").asString()).isEqualTo("1700000000009000000");
        assertThat(server.get("status").get("code").asInt()).isEqualTo(2);
        JsonNode client = scope.get("spans").get(1);
        assertThat(client.get("kind").asInt()).isEqualTo(3);
        assertThat(client.get("parentSpanId").asString()).isEqualTo("0000000000000001");
        assertThat(attribute(client, "http.response.status_code").get("intValue").asString()).isEqualTo("503");
        assertThat(attribute(client, "response_flags").get("stringValue").asString()).isEqualTo("UO");
        assertThat(attribute(client, "guid:x-request-id").get("stringValue").asString()).isEqualTo("r-2");
        JsonNode reviews = resourceSpans.get(1).get("scopeSpans").get(0).get("spans").get(0);
        assertThat(reviews.get("status").has("code")).isFalse();
    }

    private static JsonNode attribute(JsonNode span, String key) {
        for (JsonNode a : span.get("attributes")) {
            if (a.get("key").asString().equals(key)) {
                return a.get("value");
            }
        }
        throw new AssertionError("no attribute " + key + " in " + span);
    }

    @Test
    void exportsWriteFiles(@TempDir Path dir) throws Exception {
        ZipkinJson.write(spans, dir.resolve("zipkin.json"));
        OtlpJson.write(spans, dir.resolve("otlp.json"));
        assertThat(JSON.readTree(Files.readString(dir.resolve("zipkin.json"))).size()).isEqualTo(4);
        assertThat(JSON.readTree(Files.readString(dir.resolve("otlp.json"))).has("resourceSpans")).isTrue();
    }

    @Test
    void adminShapesAreWhatTheAppAndCliRead() {
        TraceStore store = new TraceStore();
        spans.forEach(store::add);

        JsonNode list = JSON.valueToTree(TraceJson.summaries(store.list(10)));
        assertThat(list.get(0).get("traceId").asString()).isEqualTo(id);
        assertThat(list.get(0).get("rootService").asString()).isEqualTo("istio-ingressgateway.istio-system");
        assertThat(list.get(0).get("durationMs").asDouble()).isEqualTo(9.0);
        assertThat(list.get(0).get("spanCount").asInt()).isEqualTo(4);

        JsonNode trace = JSON.valueToTree(TraceJson.trace(id, store.trace(id).orElseThrow()));
        assertThat(trace.get("traceId").asString()).isEqualTo(id);
        JsonNode retry = trace.get("spans").get(2);
        for (String field : List.of("spanId", "parentSpanId", "name", "proxy", "kind", "startUs", "durationUs", "status",
                "responseFlags")) {
            assertThat(retry.has(field)).as(field).isTrue();
        }
        assertThat(retry.get("kind").asString()).isEqualTo("CLIENT");
        assertThat(retry.get("responseFlags").asString()).isEqualTo("UO");
        assertThat(retry.get("parentSpanId").asString()).isEqualTo("0000000000000001");
        assertThat(trace.get("spans").get(0).get("parentSpanId").asString()).isEmpty();
        assertThat(Map.of("startUs", retry.get("startUs").asLong())).containsEntry("startUs", 1_700_000_000_004_200L);
    }
}

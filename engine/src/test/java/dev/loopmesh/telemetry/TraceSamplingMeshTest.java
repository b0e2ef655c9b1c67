package dev.loopmesh.telemetry;

import dev.loopmesh.MeshOptions;
import dev.loopmesh.telemetry.tracing.SpanRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The share of traces recorded is an option; a decision that arrives with the request is kept (Envoy's rule). */
class TraceSamplingMeshTest {
    private LiveMesh m;

    @AfterEach
    void stop() {
        if (m != null) {
            m.close();
        }
    }

    @Test
    void withSamplingAtZeroNoTraceIsRecordedUnlessTheCallerAlreadySampledIt() {
        m = LiveMesh.start(LiveMesh.bookinfoYaml(), MeshOptions.forTests().withTraceSampling(0));
        for (int i = 0; i < 5; i++) {
            assertThat(m.get("/productpage").statusCode()).isEqualTo(200);
        }
        // every proxy and app has finished with these requests once their access log lines are in
        await().atMost(Duration.ofSeconds(5)).until(() -> m.mesh.telemetry().accessLog().last("ratings-v1-0", 100).size()
                + m.mesh.telemetry().accessLog().last("details-v1-0", 100).size() >= 5);
        assertThat(m.mesh.telemetry().tracer().store().allSpans()).isEmpty();

        // W3C trace-flags 01 from the caller: sampled, whatever this mesh's own rate
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        assertThat(m.get("/productpage", "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(m.mesh.telemetry().tracer().store().trace(traceId))
                .hasValueSatisfying(spans -> assertThat(spans).extracting(SpanRecord::proxy)
                        .contains("istio-ingressgateway", "productpage-v1-0", "details-v1-0")));
        assertThat(m.mesh.telemetry().tracer().store().list(10)).hasSize(1);
    }

    @Test
    void samplingIsAPercentFromZeroToAHundred() {
        assertThat(MeshOptions.forTests().traceSampling()).isEqualTo(100.0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MeshOptions.forTests().withTraceSampling(101))
                .hasMessage("trace sampling: 101.0 (expected: 0..100 percent)");
    }
}

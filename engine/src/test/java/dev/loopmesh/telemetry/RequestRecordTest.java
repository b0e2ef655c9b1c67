package dev.loopmesh.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestRecordTest {
    @Test
    void whatABuilderIsNotToldIsEmptyZeroOrEnvoysDashForNone() {
        RequestRecord r = RequestRecord.builder().protocol("tcp").build();

        assertThat(r.responseFlags()).isEqualTo("-");
        assertThat(r.upstreamHost()).isEqualTo("-");
        assertThat(r.method()).isEmpty();
        assertThat(r.grpcStatus()).isEmpty();
        assertThat(r.requestedServerName()).isEmpty();
        assertThat(r.status()).isZero();
        assertThat(r.attempts()).isZero();
        assertThat(r.mtls()).isFalse();
        assertThat(r.trace()).isEmpty();
        assertThat(r.isTcp()).isTrue();
    }

    @Test
    void toBuilderKeepsEveryValueAndChangesOnlyWhatItIsTold() {
        RequestRecord r = new RequestRecord("source", "p-v1-0", 1, "GET", "/a", "grpc", "a:80", 200, "UO", "sw", "sns", "sp",
                "dw", "dns", "ds", "dp", "v1", "route", "cluster", "127.0.0.2:80", 2, 3, 4, 5, 6, true, "id", "ua",
                "127.0.0.1", List.of("one"), "14", "sni", "127.0.0.1:5000", "127.0.0.1:15001");

        assertThat(r.toBuilder().build()).isEqualTo(r);
        assertThat(r.toBuilder().status(503).build())
                .isEqualTo(new RequestRecord("source", "p-v1-0", 1, "GET", "/a", "grpc", "a:80", 503, "UO", "sw", "sns", "sp",
                        "dw", "dns", "ds", "dp", "v1", "route", "cluster", "127.0.0.2:80", 2, 3, 4, 5, 6, true, "id", "ua",
                        "127.0.0.1", List.of("one"), "14", "sni", "127.0.0.1:5000", "127.0.0.1:15001"));
    }
}

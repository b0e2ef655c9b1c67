package dev.loopmesh.dataplane;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GrpcAbortTest {
    // Istio HTTPFaultInjection.Abort.grpcStatus: "GRPC status code to use to abort the request", a name or a number
    @Test
    void grpcStatusNamesAndNumbersBecomeTheWireCode() {
        assertThat(ProxyExchange.grpcCode("UNAVAILABLE")).isEqualTo("14");
        assertThat(ProxyExchange.grpcCode("unavailable")).isEqualTo("14");
        assertThat(ProxyExchange.grpcCode("DEADLINE_EXCEEDED")).isEqualTo("4");
        assertThat(ProxyExchange.grpcCode("8")).isEqualTo("8");
        assertThat(ProxyExchange.grpcCode("NO_SUCH_STATUS")).isEqualTo("2");
    }
}

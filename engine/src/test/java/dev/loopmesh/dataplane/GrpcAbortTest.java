package dev.loopmesh.dataplane;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GrpcAbortTest {
    // Istio HTTPFaultInjection.Abort.grpcStatus: "GRPC status code to use to abort the request", a name or a number
    @Test
    void grpcStatusNamesAndNumbersBecomeTheWireCode() {
        assertThat(Grpc.code("UNAVAILABLE")).isEqualTo("14");
        assertThat(Grpc.code("unavailable")).isEqualTo("14");
        assertThat(Grpc.code("DEADLINE_EXCEEDED")).isEqualTo("4");
        assertThat(Grpc.code("8")).isEqualTo("8");
        assertThat(Grpc.code("NO_SUCH_STATUS")).isEqualTo("2");
    }
}

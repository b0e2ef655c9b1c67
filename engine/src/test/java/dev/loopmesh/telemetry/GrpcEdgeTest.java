package dev.loopmesh.telemetry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GrpcEdgeTest {
    private static RequestRecord call(int status, String grpcStatus) {
        return RequestRecord.builder()
                .reporter("source")
                .proxy("front-v1-0")
                .method("POST")
                .path("/inventory.Inventory/GetStock")
                .protocol("grpc")
                .authority("inventory:50051")
                .status(status)
                .sourceWorkload("front-v1")
                .sourceNamespace("default")
                .destinationWorkload("inventory-v1")
                .destinationNamespace("default")
                .destinationService("inventory.default.svc.cluster.local")
                .destinationVersion("v1")
                .upstreamHost("127.0.1.3:50051")
                .attempts(1)
                .durationMicros(1000)
                .upstreamServiceMicros(900)
                .requestBytes(5)
                .responseBytes(7)
                .requestId("id")
                .userAgent("grpc-java")
                .downstreamAddress("127.0.1.1:4000")
                .grpcStatus(grpcStatus)
                .build();
    }

    @Test
    void aGrpcCallAnsweredWithANonZeroStatusIsAFailureOnItsEdge() {
        // Kiali reads gRPC edges by grpc_response_status: an HTTP 200 carrying grpc-status 14 is an error
        EdgeStats edges = new EdgeStats();
        edges.record(call(200, "0"));
        edges.record(call(200, "14"));
        edges.record(call(200, "0"));
        edges.record(call(200, "5"));
        edges.tick();
        assertThat(edges.snapshot(10)).singleElement().satisfies(e -> {
            assertThat(e.requests()).isEqualTo(4);
            assertThat(e.successRate()).isEqualTo(0.5);
        });
        assertThat(call(200, "0").isSuccess()).isTrue();
        assertThat(call(200, "14").isSuccess()).isFalse();
    }
}

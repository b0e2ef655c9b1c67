package dev.loopmesh.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GrpcEdgeTest {
    private static RequestRecord call(int status, String grpcStatus) {
        return new RequestRecord("source", "front-v1-0", 0L, "POST", "/inventory.Inventory/GetStock", "grpc", "inventory:50051",
                status, "-", "front-v1", "default", "", "inventory-v1", "default", "inventory.default.svc.cluster.local", "", "v1",
                "", "", "127.0.1.3:50051", 1, 1000, 900, 5, 7, false, "id", "grpc-java", "127.0.1.1:4000", List.of(), grpcStatus);
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

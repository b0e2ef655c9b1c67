package dev.loopmesh.dataplane;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Envoy's reading of a gRPC call: Grpc::Common::isGrpcRequestHeaders and getGrpcStatus(trailers, headers, info). */
class GrpcStatusTest {
    private static HttpHeaders headers(String... kv) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < kv.length; i += 2) {
            h.add(kv[i], kv[i + 1]);
        }
        return h;
    }

    @Test
    void aGrpcRequestIsOneWithTheGrpcContentType() {
        assertThat(Grpc.isGrpcRequest(headers("content-type", "application/grpc"))).isTrue();
        assertThat(Grpc.isGrpcRequest(headers("content-type", "application/grpc+proto"))).isTrue();
        assertThat(Grpc.isGrpcRequest(headers("content-type", "Application/GRPC"))).isTrue();
        assertThat(Grpc.isGrpcRequest(headers("content-type", "application/grpc-web"))).isFalse();
        assertThat(Grpc.isGrpcRequest(headers("content-type", "application/json"))).isFalse();
        assertThat(Grpc.isGrpcRequest(headers())).isFalse();
    }

    @Test
    void theStatusComesFromTheTrailersThenTheHeadersThenTheHttpStatus() {
        assertThat(Grpc.status(headers("grpc-status", "3"), headers("grpc-status", "5"), 200)).isEqualTo("5");
        // trailers-only: the status is in the headers
        assertThat(Grpc.status(headers("grpc-status", "14"), headers(), 200)).isEqualTo("14");
        // no grpc-status at all: gRPC's HTTP mapping
        assertThat(Grpc.status(headers(), headers(), 503)).isEqualTo("14");
        assertThat(Grpc.status(headers(), headers(), 404)).isEqualTo("12");
        assertThat(Grpc.status(headers(), headers(), 200)).isEqualTo("2");
        // no response at all: no status
        assertThat(Grpc.status(null, null, 0)).isEmpty();
        // beyond the known codes: Envoy's InvalidCode
        assertThat(Grpc.status(headers("grpc-status", "99"), null, 200)).isEqualTo("-1");
        assertThat(Grpc.status(headers("grpc-status", "x"), null, 200)).isEqualTo("-1");
    }

    @Test
    void grpcMessagesArePercentEncoded() {
        assertThat(Grpc.percentEncode("no healthy upstream")).isEqualTo("no healthy upstream");
        assertThat(Grpc.percentEncode("50% → down")).isEqualTo("50%25 %E2%86%92 down");
    }
}

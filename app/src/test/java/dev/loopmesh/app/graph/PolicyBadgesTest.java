package dev.loopmesh.app.graph;

import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Badges of Gateway API routes: on the Services they are attached to, and on the ingress for a Gateway parent. */
class PolicyBadgesTest {
    private static final MeshSpec BOOKINFO = new TopologyLoader().builtIn().mesh();

    private static Map<String, List<Badge>> badges(String yaml) {
        return PolicyBadges.of(BOOKINFO, new TopologyLoader().loadResources("test.yaml", yaml, BOOKINFO));
    }

    @Test
    void aMeshRouteMarksItsServiceAndAGatewayRouteTheIngress() {
        Map<String, List<Badge>> b = badges("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: reviews}
                spec:
                  parentRefs: [{group: "", kind: Service, name: reviews, port: 9080}]
                  rules:
                  - timeouts: {request: 2s}
                    backendRefs: [{name: reviews-v1, port: 9080}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: bookinfo
                  annotations: {loopmesh.dev/faults: "{productpage: {abort: {httpStatus: 503, percentage: {value: 100}}}}"}
                spec:
                  parentRefs: [{name: bookinfo-gateway}]
                  rules:
                  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: details, port: 9080}}}]
                    backendRefs: [{name: productpage, port: 9080}]
                """);
        assertThat(b.get("reviews")).extracting(Badge::kind).containsExactly(Badge.Kind.HTTP_ROUTE, Badge.Kind.TIMEOUT);
        assertThat(b.get("reviews").get(0).source()).isEqualTo("HTTPRoute default/reviews");
        assertThat(b.get(GraphLayout.INGRESS)).extracting(Badge::kind)
                .containsExactly(Badge.Kind.HTTP_ROUTE, Badge.Kind.FAULT, Badge.Kind.MIRROR);
        assertThat(b.get(GraphLayout.INGRESS)).allMatch(Badge::declared);
        assertThat(b).doesNotContainKey("productpage");
    }
}

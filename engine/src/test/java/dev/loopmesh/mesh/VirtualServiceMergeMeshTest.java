package dev.loopmesh.mesh;

import dev.loopmesh.controlplane.ApplyResult;
import dev.loopmesh.controlplane.ConfigEvent;
import dev.loopmesh.fixtures.CloseAfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static dev.loopmesh.fixtures.IstioYaml.JASON_TO_V2;
import static dev.loopmesh.fixtures.IstioYaml.REVIEWS_SUBSETS;
import static dev.loopmesh.fixtures.IstioYaml.SHOP_GATEWAY;
import static dev.loopmesh.fixtures.IstioYaml.SHOP_HOST;
import static dev.loopmesh.fixtures.IstioYaml.SHOP_RATINGS;
import static dev.loopmesh.fixtures.IstioYaml.docs;
import static dev.loopmesh.fixtures.IstioYaml.virtualService;
import static dev.loopmesh.fixtures.IstioYaml.virtualServiceSpec;
import static org.assertj.core.api.Assertions.assertThat;

/** Several VirtualServices for one host, and delegation depth, on a live Bookinfo over real sockets. */
class VirtualServiceMergeMeshTest {
    private static final String REVIEWS_A = virtualService("reviews-a", "reviews", "- route: [{destination: {host: reviews, subset: v1}}]\n");
    private static final String REVIEWS_B = virtualService("reviews-b", "reviews", "- route: [{destination: {host: reviews, subset: v3}}]\n");

    @RegisterExtension
    final CloseAfterEach closing = new CloseAfterEach();
    private MeshFixture f;

    @Test
    void sidecarsRouteByTheOldestOfTwoVirtualServicesForAHostUntilItIsDeleted() {
        // istiod keeps the first virtual host for a domain and drops the duplicate (IST0109: "undefined behavior")
        f = closing.add(MeshFixture.bookinfo(docs(REVIEWS_SUBSETS, REVIEWS_A, REVIEWS_B)));
        for (int i = 0; i < 20; i++) {
            assertThat(MeshFixture.versionOf(f.tree("/productpage"), "reviews")).isEqualTo("v1");
        }
        ApplyResult deleted = f.mesh.delete(f.mesh.parseResources(REVIEWS_A));
        assertThat(deleted.allAccepted()).isTrue();
        for (int i = 0; i < 20; i++) {
            assertThat(MeshFixture.versionOf(f.tree("/productpage"), "reviews")).isEqualTo("v3");
        }
        // applied again, reviews-a is now the younger one and is ignored
        assertThat(f.apply(REVIEWS_A).allAccepted()).isTrue();
        assertThat(MeshFixture.versionOf(f.tree("/productpage"), "reviews")).isEqualTo("v3");
    }

    @Test
    void theGatewayMergesVirtualServicesForOneHostAndTriesTheCatchAllLast() {
        // Istio merges gateway-bound VirtualServices for a host; istiod's SortVHostRoutes moves catch-all routes last
        f = closing.add(MeshFixture.bookinfo(docs(SHOP_GATEWAY, virtualServiceSpec("shop-pages", SHOP_HOST, """
                - match: [{uri: {prefix: /}}]
                  route: [{destination: {host: productpage}}]
                """), SHOP_RATINGS)));
        assertThat(viaIngress("shop.example.com", "/ratings/0")).startsWith("HTTP/1.1 200").contains("{\"service\":\"ratings\"");
        assertThat(viaIngress("shop.example.com", "/productpage")).startsWith("HTTP/1.1 200").contains("{\"service\":\"productpage\"");
    }

    @Test
    void aDelegateThatDelegatesAgainIsRejectedOnApplyAndTrafficKeepsItsConfig() {
        // Istio VirtualService.http.delegate: "Only one level delegation is supported"
        f = closing.add(MeshFixture.bookinfo(JASON_TO_V2));
        ApplyResult r = f.apply(virtualServiceSpec("reviews-middle", "", """
                - match: [{uri: {prefix: /reviews}}]
                  delegate: {name: reviews-leaf}
                """));
        assertThat(r.allAccepted()).isFalse();
        assertThat(r.outcomes().get(0).problems().get(0).toString())
                .startsWith("request.yaml:7:15: error LM0316: a delegate VirtualService (one without hosts) cannot delegate again");
        assertThat(f.mesh.controlPlane().events(0)).last().satisfies(e -> {
            assertThat(e.type()).isEqualTo(ConfigEvent.Type.REJECTED);
            assertThat(e.resource()).isEqualTo("VirtualService default/reviews-middle");
            assertThat(e.detail()).contains("Istio supports one level of delegation");
        });
        assertThat(MeshFixture.versionOf(f.tree("/productpage", "end-user", "jason"), "reviews")).isEqualTo("v2");
    }

    /** One request through the ingress with this Host (java.net.http refuses to set Host). */
    private String viaIngress(String host, String path) {
        try (Socket s = new Socket("127.0.0.1", f.mesh.ingressAddress().getPort())) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

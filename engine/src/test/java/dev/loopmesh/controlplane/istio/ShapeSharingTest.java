package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.policy.resilience.ConnectionPoolSettings;
import dev.loopmesh.policy.routing.ClusterConfig;
import org.junit.jupiter.api.Test;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.loopmesh.controlplane.istio.Requests.get;
import static dev.loopmesh.controlplane.istio.Translation.SUBSETS;
import static dev.loopmesh.fixtures.IstioYaml.reviews;
import static org.assertj.core.api.Assertions.assertThat;

/** Sidecars that see the same config share one translation; what tells them apart still does. */
class ShapeSharingTest {
    private static final String ROUTE = SUBSETS + reviews("""
            - route: [{destination: {host: reviews, subset: v2}}]
            """);

    @Test
    void sidecarsOfOneNamespaceWithoutSelectorsShareRoutesAndClusters() {
        Map<String, ProxySnapshot> s = new IstioTranslator().translate(TestYaml.registry(), TestYaml.resources(ROUTE), 1);
        ProxySnapshot productpage = s.get("productpage-v1-0");
        ProxySnapshot ratings = s.get("ratings-v1-0");

        assertThat(productpage.clusters()).isSameAs(ratings.clusters());
        assertThat(((IstioRouteTable) productpage.routes()).virtualHosts()).isSameAs(((IstioRouteTable) ratings.routes()).virtualHosts());
        // each still carries its own name
        assertThat(((IstioRouteTable) productpage.routes()).proxy()).isEqualTo("productpage-v1-0");
        assertThat(((IstioRouteTable) ratings.routes()).proxy()).isEqualTo("ratings-v1-0");
        assertThat(productpage.proxy()).isEqualTo("productpage-v1-0");
        assertThat(ratings.routes().route(get("reviews", "/"), new SplittableRandom(1)).subset()).isEqualTo("v2");
    }

    @Test
    void aSourceLabelSplitsTheShapesByTheLabelsItReads() {
        String yaml = SUBSETS + reviews("""
                - match: [{sourceLabels: {app: productpage}}]
                  route: [{destination: {host: reviews, subset: v3}}]
                - route: [{destination: {host: reviews, subset: v1}}]
                """);
        Map<String, ProxySnapshot> s = new IstioTranslator().translate(TestYaml.registry(), TestYaml.resources(yaml), 1);

        assertThat(s.get("productpage-v1-0").routes().route(get("reviews", "/"), new SplittableRandom(1)).subset()).isEqualTo("v3");
        assertThat(s.get("ratings-v1-0").routes().route(get("reviews", "/"), new SplittableRandom(1)).subset()).isEqualTo("v1");
        assertThat(s.get("details-v1-0").routes().route(get("reviews", "/"), new SplittableRandom(1)).subset()).isEqualTo("v1");
        // details and ratings differ in app but the selector reads app=productpage only: one shape
        assertThat(((IstioRouteTable) s.get("details-v1-0").routes()).virtualHosts())
                .isSameAs(((IstioRouteTable) s.get("ratings-v1-0").routes()).virtualHosts())
                .isNotSameAs(((IstioRouteTable) s.get("productpage-v1-0").routes()).virtualHosts());
    }

    @Test
    void aPushThatChangesNothingForAShapeKeepsItsInstancesSoComparingIsCheap() {
        IstioTranslator t = new IstioTranslator();
        Map<String, ProxySnapshot> first = t.translate(TestYaml.registry(), TestYaml.resources(ROUTE), 1);
        Map<String, ProxySnapshot> again = t.translate(TestYaml.registry(), TestYaml.resources(ROUTE), 2);

        assertThat(again.get("ratings-v1-0").version()).isEqualTo(2);
        assertThat(again.get("ratings-v1-0").clusters()).isSameAs(first.get("ratings-v1-0").clusters());
        assertThat(again.get("ratings-v1-0").sameContent(first.get("ratings-v1-0"), new IdentityHashMap<>())).isTrue();

        Map<String, ProxySnapshot> changed = t.translate(TestYaml.registry(), TestYaml.resources(ROUTE.replace("subset: v2", "subset: v3")), 3);
        assertThat(changed.get("ratings-v1-0").sameContent(first.get("ratings-v1-0"), new IdentityHashMap<>())).isFalse();
        assertThat(changed.get("ratings-v1-0").routes().route(get("reviews", "/"), new SplittableRandom(1)).subset()).isEqualTo("v3");
    }

    @Test
    void theTranslatorValidatesTheSharedClustersOnceAndAClusterAllowingNoConnectionMakesTheSnapshotInvalid() {
        Map<String, ProxySnapshot> s = new IstioTranslator().translate(TestYaml.registry(), TestYaml.resources(ROUTE), 1);
        assertThat(s.values()).allSatisfy(p -> assertThat(p.invalid()).as(p.proxy()).isEmpty());

        ClusterConfig c = s.get("ratings-v1-0").clusters().get("outbound|9080||reviews.default.svc.cluster.local");
        ConnectionPoolSettings d = c.connectionPool();
        ClusterConfig none = new ClusterConfig(c.name(), c.service(), c.subset(), c.port(), c.endpoints(), c.lb(),
                new ConnectionPoolSettings(0, d.connectTimeout(), d.http1MaxPendingRequests(), d.http2MaxRequests(),
                        d.maxRequestsPerConnection(), d.maxRetries(), d.idleTimeout()),
                c.outlier(), c.tlsMode(), c.destinationRule(), c.protocol(), c.retryBudget());
        assertThat(IstioTranslator.invalid(Map.of(c.name(), c))).isEmpty();
        assertThat(IstioTranslator.invalid(Map.of(none.name(), none)))
                .isEqualTo("cluster outbound|9080||reviews.default.svc.cluster.local: maxConnections 0 (expected: >= 1)");
    }
}

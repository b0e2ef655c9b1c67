package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.fixtures.IstioYaml;
import dev.loopmesh.policy.routing.RequestView;
import dev.loopmesh.policy.routing.RoutingDecision;

import java.util.Map;
import java.util.SplittableRandom;

/** Test helper: Istio YAML translated for Bookinfo's registry, and requests routed by one proxy's table. */
final class Translation {
    /** reviews' subsets v1, v2 and v3, then a separator for the document that routes to them. */
    static final String SUBSETS = IstioYaml.REVIEWS_SUBSETS + "---\n";

    private Translation() {
    }

    static Map<String, ProxySnapshot> translate(String yaml) {
        return new IstioTranslator().translate(TestYaml.registry(), TestYaml.resources(yaml), 1);
    }

    static RoutingDecision route(String yaml, String proxy, RequestView req) {
        return translate(yaml).get(proxy).routes().route(req, new SplittableRandom(7));
    }

    static RoutingDecision fromProductpage(String yaml, RequestView req) {
        return route(yaml, "productpage-v1-0", req);
    }
}

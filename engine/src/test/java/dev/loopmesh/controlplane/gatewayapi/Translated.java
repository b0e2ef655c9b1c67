package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.controlplane.MeshTranslator;
import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.RegistryPlanner;
import dev.loopmesh.policy.routing.RequestView;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** Test helper: resources (YAML) translated for Bookinfo by the whole control plane, and requests routed by its proxies. */
final class Translated {
    private static final Topology BOOKINFO = new TopologyLoader().builtIn();
    static final Registry REGISTRY = RegistryPlanner.perPodAddresses(BOOKINFO.mesh(), 1);

    final List<MeshResource> resources;
    final Map<String, ProxySnapshot> snapshots;
    private final MeshTranslator translator = new MeshTranslator();

    private Translated(String yaml) {
        this.resources = new TopologyLoader().loadResources("test.yaml", yaml, BOOKINFO.mesh());
        this.snapshots = translator.translate(REGISTRY, resources, 1);
    }

    static Translated of(String... docs) {
        return new Translated(String.join("---\n", docs));
    }

    RoutingDecision route(String proxy, RequestView req) {
        return snapshots.get(proxy).routes().route(req, new SplittableRandom(7));
    }

    RoutingDecision fromProductpage(RequestView req) {
        return route("productpage-v1-0", req);
    }

    RoutingDecision atIngress(RequestView req) {
        return route(Registry.GATEWAY, req);
    }

    /** What `loopmesh validate` says: each resource with the others, then the cross-resource analysis, each once. */
    List<Problem> problems() {
        Set<Problem> out = new LinkedHashSet<>();
        for (MeshResource r : resources) {
            out.addAll(translator.validate(r, REGISTRY, resources));
        }
        out.addAll(translator.analyze(REGISTRY, resources));
        return new ArrayList<>(out);
    }

    /** Request helpers: a GET with header pairs. */
    static RequestView get(String authority, String path, String... headerPairs) {
        return request("GET", authority, path, headerPairs);
    }

    static RequestView request(String method, String authority, String path, String... headerPairs) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            h.put(headerPairs[i].toLowerCase(java.util.Locale.ROOT), List.of(headerPairs[i + 1]));
        }
        int colon = authority.lastIndexOf(':');
        int port = colon > 0 ? Integer.parseInt(authority.substring(colon + 1)) : 9080;
        return new RequestView(method, "http", authority, path, port, h, "127.1.0.1");
    }
}

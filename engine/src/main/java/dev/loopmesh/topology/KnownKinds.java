package dev.loopmesh.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The mesh APIs Loopmesh reads: API groups, their versions, and their kinds. */
public final class KnownKinds {
    public static final String LOOPMESH = "loopmesh.dev";

    private record Group(List<String> versions, List<String> kinds) {
    }

    private static final Map<String, Group> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("networking.istio.io", new Group(List.of("v1", "v1beta1", "v1alpha3"),
                List.of("VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar", "WorkloadEntry")));
        GROUPS.put("security.istio.io", new Group(List.of("v1", "v1beta1"),
                List.of("PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication")));
        GROUPS.put("gateway.networking.k8s.io", new Group(List.of("v1", "v1beta1"),
                List.of("Gateway", "GatewayClass", "HTTPRoute", "GRPCRoute", "ReferenceGrant")));
        GROUPS.put("policy.linkerd.io", new Group(List.of("v1alpha1", "v1beta1", "v1beta2", "v1beta3"),
                List.of("Server", "ServerAuthorization", "AuthorizationPolicy", "HTTPRoute", "MeshTLSAuthentication",
                        "NetworkAuthentication", "HTTPLocalRateLimitPolicy")));
        GROUPS.put(LOOPMESH, new Group(List.of("v1"), List.of("Mesh", "LocalRateLimit", "Chaos", "MeshConfig")));
    }

    private KnownKinds() {
    }

    /** Every known {@code group/version}, in a stable order. */
    public static List<String> apiVersions() {
        List<String> out = new ArrayList<>();
        GROUPS.forEach((group, g) -> g.versions().forEach(v -> out.add(group + "/" + v)));
        return out;
    }

    public static boolean isKnownApiVersion(String apiVersion) {
        return apiVersions().contains(apiVersion);
    }

    /** The kinds of the group of {@code apiVersion}; empty for an unknown group. */
    public static List<String> kinds(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        Group g = GROUPS.get(slash < 0 ? apiVersion : apiVersion.substring(0, slash));
        return g == null ? List.of() : g.kinds();
    }

    /** The apiVersions whose group has {@code kind}, for "VirtualService is in networking.istio.io/v1". */
    public static Optional<String> groupOf(String kind) {
        for (Map.Entry<String, Group> e : GROUPS.entrySet()) {
            if (e.getValue().kinds().contains(kind)) {
                return Optional.of(e.getKey() + "/" + e.getValue().versions().get(0));
            }
        }
        return Optional.empty();
    }

    static List<String> allKinds() {
        List<String> out = new ArrayList<>();
        GROUPS.values().forEach(g -> g.kinds().stream().filter(k -> !out.contains(k)).forEach(out::add));
        return out;
    }
}

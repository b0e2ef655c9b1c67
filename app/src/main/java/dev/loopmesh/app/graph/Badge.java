package dev.loopmesh.app.graph;

import java.util.List;

/**
 * A small mark on a node or an edge: a policy that applies there, or a fault in force.
 *
 * @param source what put it there ({@code VirtualService default/reviews}, {@code fault-3})
 */
public record Badge(Kind kind, String source, String detail) {

    /** Each kind's short text on the graph and the sentence its tooltip starts with. */
    public enum Kind {
        VIRTUAL_SERVICE("VS", "VirtualService: routing rules for calls to this service (first matching rule wins)", false),
        HTTP_ROUTE("RT", "Gateway API route (HTTPRoute, GRPCRoute): routing rules for calls to this service "
                + "(the most specific match wins)", false),
        DESTINATION_RULE("DR", "DestinationRule: subsets, load balancing and connection settings for this service", false),
        FAULT("FI", "Fault injection: a share of requests delayed (flag DI) or aborted (flag FI) by the caller's proxy", true),
        MIRROR("MIR", "Mirroring: a copy of each request goes to another destination; its answer is dropped (Host gets -shadow)", false),
        RETRIES("RTY", "Retries: failed attempts are retried by the caller's proxy (flag URX when they run out)", false),
        TIMEOUT("TO", "Timeout: the caller's proxy gives up after this long (504, flag UT)", false),
        CONNECTION_LIMITS("CL", "Connection limits (circuit breaking): overflow is 503 with flag UO and x-envoy-overloaded", false),
        OUTLIER("OD", "Outlier detection: failing pods are ejected for a while; none left is 503 UH", false),
        RATE_LIMIT("RL", "Local rate limit: requests over the token bucket get 429 (flag RL)", false),
        AUTHORIZATION("AZ", "Authorization: requests the policy denies get 403 RBAC: access denied", false),
        CHAOS("CH", "Chaos: an infrastructure fault on this link (latency, bandwidth, partition)", true),
        POD_KILLED("✖", "Pod killed: its app is down, connections are refused (flags UF, URX)", true),
        POD_PAUSED("❚❚", "Pod paused: its app accepts connections but answers nothing (flag UT with a timeout)", true);

        private final String text;
        private final String explanation;
        private final boolean fault;

        Kind(String text, String explanation, boolean fault) {
            this.text = text;
            this.explanation = explanation;
            this.fault = fault;
        }

        public String text() {
            return text;
        }

        public String explanation() {
            return explanation;
        }

        /** Faults are drawn in the failing colour, policies in the accent colour. */
        public boolean isFault() {
            return fault;
        }
    }

    /** Put there by a routing resource as written (a VirtualService or a Gateway API route), not by a fault from the app. */
    public boolean declared() {
        return source.startsWith("VirtualService ") || source.startsWith("HTTPRoute ") || source.startsWith("GRPCRoute ");
    }

    public String tooltip() {
        return kind.explanation() + "\n" + source + (detail.isEmpty() ? "" : ": " + detail);
    }

    /**
     * One FI badge for a node's faults, telling them all: a fault injected from the app lives in a
     * VirtualService (or a route's annotation) too, which would otherwise put a second FI beside it.
     */
    static List<Badge> mergeFaults(List<Badge> badges) {
        List<Badge> faults = badges.stream().filter(b -> b.kind() == Kind.FAULT)
                .sorted(java.util.Comparator.comparing(Badge::declared)).toList();
        if (faults.size() < 2) {
            return badges;
        }
        List<Badge> out = new java.util.ArrayList<>();
        boolean placed = false;
        for (Badge b : badges) {
            if (b.kind() != Kind.FAULT) {
                out.add(b);
            } else if (!placed) {
                out.add(new Badge(Kind.FAULT, faults.stream().map(Badge::source).distinct().collect(java.util.stream.Collectors.joining(", ")),
                        faults.stream().map(Badge::detail).distinct().collect(java.util.stream.Collectors.joining("; "))));
                placed = true;
            }
        }
        return out;
    }
}

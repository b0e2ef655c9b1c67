package dev.loopmesh.app.faults;

/** What a user can break from the graph's context menu. */
public enum FaultKind {
    /** Istio fault injection: a fixed delay on a share of requests (flag DI). */
    DELAY("delay", true),
    /** Istio fault injection: an HTTP error on a share of requests (flag FI). */
    ABORT("abort", true),
    /** The pod's app stops: connections refused, in-flight requests cut (flags UF, URX, UH with outlier detection). */
    KILL_POD("kill", false),
    /** The pod's app freezes: connections accepted, nothing answered (flag UT with a timeout). */
    PAUSE_POD("pause", false),
    /** No traffic between two services (chaos engine). */
    PARTITION("partition", false),
    /** Latency on a link, Toxiproxy-style (chaos engine). */
    LATENCY("latency", false),
    /** A bandwidth cap on a link (chaos engine). */
    BANDWIDTH("bandwidth", false);

    private final String word;
    private final boolean policy;

    FaultKind(String word, boolean policy) {
        this.word = word;
        this.policy = policy;
    }

    public String word() {
        return word;
    }

    /** Whether it is mesh config (a VirtualService) rather than infrastructure chaos. */
    public boolean isPolicy() {
        return policy;
    }
}

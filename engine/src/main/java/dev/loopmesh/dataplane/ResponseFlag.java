package dev.loopmesh.dataplane;

/**
 * Envoy's response flags: the short code for why a request ended as it did
 * (Envoy access log {@code %RESPONSE_FLAGS%}).
 */
public enum ResponseFlag {
    /** No healthy upstream host (every endpoint ejected, or none at all). */
    UH("no healthy upstream"),
    /** Upstream connection failure. */
    UF("upstream connection failure"),
    /** Upstream overflow: a connection-pool limit was reached (circuit breaking). */
    UO("upstream overflow"),
    /** No route configured for the request. */
    NR("no route"),
    /** Upstream retry limit exceeded (attempts or budget). */
    URX("upstream retry limit exceeded"),
    /** Upstream request timeout. */
    UT("upstream request timeout"),
    /** Request delayed by fault injection. */
    DI("delay injected"),
    /** Request aborted by fault injection. */
    FI("fault injected"),
    /** Request rate limited locally. */
    RL("rate limited"),
    /** Upstream connection reset after the request was sent. */
    UC("upstream connection termination"),
    /** Upstream remote reset. */
    UR("upstream remote reset"),
    /** Downstream connection termination. */
    DC("downstream connection termination"),
    /** No cluster found for the route's destination. */
    NC("no cluster"),
    /** Unauthorized by RBAC (authorization policy). */
    RBAC("unauthorized by RBAC"),
    /** Denied by an external authorization service (ext_authz), or its check failed. */
    UAEX("unauthorized external service"),
    /** Request rejected for an invalid envoy request header. */
    IH("invalid envoy request headers"),
    /** Downstream protocol error (a malformed request). */
    DPE("downstream protocol error"),
    /** Upstream protocol error. */
    UPE("upstream protocol error");

    private final String description;

    ResponseFlag(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Envoy prints several flags joined by commas, and "-" for none. */
    public static String format(java.util.Set<ResponseFlag> flags) {
        if (flags.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (ResponseFlag f : flags) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(f.name().equals("RBAC") ? "RBAC" : f.name());
        }
        return sb.toString();
    }
}

package dev.loopmesh.policy.routing;

/**
 * A DestinationRule load balancer: {@code simple} or {@code consistentHash}.
 *
 * @param hashOn      for CONSISTENT_HASH: HEADER, COOKIE, SOURCE_IP or QUERY_PARAMETER
 * @param hashKey     the header, cookie or query parameter name
 */
public record LbPolicy(Kind kind, HashOn hashOn, String hashKey) {
    public static final LbPolicy DEFAULT = new LbPolicy(Kind.LEAST_REQUEST, null, null);

    public enum Kind { ROUND_ROBIN, LEAST_REQUEST, RANDOM, PASSTHROUGH, CONSISTENT_HASH }

    public enum HashOn { HEADER, COOKIE, SOURCE_IP, QUERY_PARAMETER }
}

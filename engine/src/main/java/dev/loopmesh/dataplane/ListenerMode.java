package dev.loopmesh.dataplane;

/** What a listener does with the requests it accepts. */
public enum ListenerMode {
    /** a sidecar's listener for traffic from its own app (the app's HTTP proxy, 15001) */
    OUTBOUND,
    /** a sidecar's listener for traffic to its pod (15006) */
    INBOUND,
    /** the ingress gateway's listener, for traffic from outside the mesh */
    GATEWAY,
    /**
     * a sidecar's listener for one {@code protocol: tcp} service its app connects to (Istio's outbound listener
     * for the service port, {@code 0.0.0.0_5432}): bytes are relayed to an endpoint the TCP route picks
     */
    OUTBOUND_TCP
}

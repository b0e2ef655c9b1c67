package dev.loopmesh.policy.authn;

/**
 * What a client sidecar sends to one endpoint, from the cluster's DestinationRule {@code tls.mode} and the
 * server: Istio's auto mTLS sends ISTIO_MUTUAL when the DestinationRule does not set a mode, the endpoint
 * has a sidecar and its PeerAuthentication is not DISABLE; otherwise plaintext. An explicit mode wins,
 * even when it cannot work (DISABLE toward STRICT is reset: 503; ISTIO_MUTUAL toward a pod without a
 * sidecar fails its handshake).
 */
public final class TlsOrigination {
    /** How the connection starts. */
    public enum Kind {
        PLAINTEXT,
        /** mTLS with the workload's mesh certificate (ISTIO_MUTUAL, or auto). */
        ISTIO_MUTUAL,
        /** TLS without a client certificate (DestinationRule SIMPLE). */
        SIMPLE,
        /** TLS with a client certificate (MUTUAL: Loopmesh presents the workload certificate in place of credentialName's). */
        MUTUAL
    }

    private TlsOrigination() {
    }

    /**
     * @param drMode     the cluster's tls mode as written, "" when unset
     * @param sidecar    whether a sidecar fronts the endpoint
     * @param serverMode the endpoint's PeerAuthentication mode for the port (DISABLE turns auto mTLS off)
     */
    public static Kind decide(String drMode, boolean sidecar, MtlsMode serverMode) {
        switch (drMode == null ? "" : drMode) {
            case "DISABLE":
                return Kind.PLAINTEXT;
            case "ISTIO_MUTUAL":
                return Kind.ISTIO_MUTUAL;
            case "SIMPLE":
                return Kind.SIMPLE;
            case "MUTUAL":
                return Kind.MUTUAL;
            default:
                return sidecar && serverMode != MtlsMode.DISABLE ? Kind.ISTIO_MUTUAL : Kind.PLAINTEXT;
        }
    }
}

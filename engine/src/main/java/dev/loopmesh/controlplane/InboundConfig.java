package dev.loopmesh.controlplane;

/**
 * What a sidecar's inbound listener enforces before the app. Grows with mTLS, authorization and
 * rate limits; for now, the app's address.
 */
public record InboundConfig(String mtlsMode) {
    public static final InboundConfig DEFAULT = new InboundConfig("PERMISSIVE");
}

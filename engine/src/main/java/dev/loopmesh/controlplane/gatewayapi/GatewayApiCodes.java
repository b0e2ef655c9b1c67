package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.topology.SpecFields;

/**
 * Stable codes of the problems found in Gateway API resources ({@code gateway.networking.k8s.io}, LM04xx), like
 * istioctl analyze's IST codes. docs/topology.md lists them.
 */
public final class GatewayApiCodes {
    /** A field the API does not have; the message suggests the nearest valid one. */
    public static final String UNKNOWN_FIELD = "LM0401";
    /** A value of the wrong kind: a list where a map is expected, text where a number is. */
    public static final String WRONG_TYPE = "LM0402";
    /** A required field is missing. */
    public static final String MISSING_FIELD = "LM0403";
    /** A value out of its range or not one of the allowed words. */
    public static final String INVALID_VALUE = "LM0404";
    /** A duration the Gateway API format rejects. */
    public static final String BAD_DURATION = "LM0405";
    /** A regular expression that does not compile. */
    public static final String BAD_REGEX = "LM0406";
    /** Fields that cannot be used together (the API server's validation rules). */
    public static final String CONFLICT = "LM0407";
    /** A field, filter, kind or class Loopmesh does not apply (a warning: it is ignored, or answers 500 as the spec says). */
    public static final String UNSUPPORTED = "LM0408";
    /** A parentRef to a Gateway or Service that does not exist, or that does not accept the route (a warning). */
    public static final String UNKNOWN_PARENT = "LM0409";
    /** A backendRef or mirror to a service the mesh does not have: its share of requests answers 500 (a warning). */
    public static final String UNKNOWN_BACKEND = "LM0410";
    /** A reference to another namespace that no ReferenceGrant allows: its share of requests answers 500 (a warning). */
    public static final String NOT_PERMITTED = "LM0411";
    /** An HTTPRoute and a VirtualService route the same host: which one a sidecar uses is istiod's order (a warning). */
    public static final String ROUTE_CONFLICT = "LM0412";

    static final SpecFields.Codes CODES = new SpecFields.Codes(UNKNOWN_FIELD, WRONG_TYPE, MISSING_FIELD, INVALID_VALUE,
            BAD_DURATION);

    private GatewayApiCodes() {
    }

    static SpecFields reader() {
        return new SpecFields(CODES, SpecFields.Dialect.ISTIO);
    }
}

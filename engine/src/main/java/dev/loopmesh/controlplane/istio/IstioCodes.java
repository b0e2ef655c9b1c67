package dev.loopmesh.controlplane.istio;

/** Stable codes of the problems found in Istio resources (LM03xx), like istioctl analyze's IST codes. */
public final class IstioCodes {
    /** A field the API does not have; the message suggests the nearest valid one. */
    public static final String UNKNOWN_FIELD = "LM0301";
    /** A value of the wrong kind: a list where a map is expected, text where a number is. */
    public static final String WRONG_TYPE = "LM0302";
    /** A duration that {@code Durations.parse} rejects. */
    public static final String BAD_DURATION = "LM0303";
    /** A regular expression that does not compile. */
    public static final String BAD_REGEX = "LM0304";
    /** A percentage outside 0..100. */
    public static final String PERCENT_RANGE = "LM0305";
    /** An unsupported apiVersion or kind. */
    public static final String UNSUPPORTED = "LM0306";
    /** A required field is missing. */
    public static final String MISSING_FIELD = "LM0307";
    /** A value out of its range or not one of the allowed words. */
    public static final String INVALID_VALUE = "LM0308";
    /** Fields that cannot be used together. */
    public static final String CONFLICT = "LM0309";
    /** Route weights: several destinations whose weights do not add up to 100 (a warning), or all zero. */
    public static final String WEIGHTS = "LM0310";
    /** A reference to a subset no DestinationRule defines (istioctl analyze IST0101). */
    public static final String UNKNOWN_SUBSET = "LM0311";
    /** A destination host the registry does not know (istioctl analyze IST0101). */
    public static final String UNKNOWN_HOST = "LM0312";
    /** A delegate or gateway reference that names no resource (istioctl analyze IST0101). */
    public static final String UNKNOWN_REFERENCE = "LM0313";
    /** VirtualServices bound to the mesh gateway define the same host: sidecars keep only the first (istioctl analyze IST0109, an error). */
    public static final String HOST_CONFLICT = "LM0314";
    /** A fault without percentage: Istio injects it into 0 % of requests. */
    public static final String FAULT_NEVER = "LM0315";

    /** A delegate VirtualService that delegates again: Istio supports one level of delegation. */
    public static final String DELEGATE_DEPTH = "LM0316";

    private IstioCodes() {
    }
}

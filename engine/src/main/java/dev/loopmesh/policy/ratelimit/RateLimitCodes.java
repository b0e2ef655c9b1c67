package dev.loopmesh.policy.ratelimit;

/** Stable codes of the problems found in rate-limit resources (LM05xx), like istioctl analyze's IST codes. */
public final class RateLimitCodes {
    /** A field the resource does not have; the message suggests the nearest valid one. */
    public static final String UNKNOWN_FIELD = "LM0501";
    /** A value of the wrong kind: a list where a map is expected, text where a number is. */
    public static final String WRONG_TYPE = "LM0502";
    public static final String MISSING_FIELD = "LM0503";
    /** A value out of its range or not one of the allowed words. */
    public static final String INVALID_VALUE = "LM0504";
    public static final String BAD_DURATION = "LM0505";
    /** A targetRef naming a Server that no document defines. */
    public static final String UNKNOWN_SERVER = "LM0506";
    /** Limits that contradict each other, or two policies on one Server (Linkerd allows one). */
    public static final String CONFLICT = "LM0507";
    /** A reference kind Linkerd does not support here (targetRef other than Server, clientRefs other than ServiceAccount). */
    public static final String UNSUPPORTED = "LM0508";

    private RateLimitCodes() {
    }
}

package dev.loopmesh.chaos;

/** Stable codes of the problems found in {@code Chaos} documents and {@code POST /api/chaos} bodies (LM06xx). */
public final class ChaosCodes {
    /** A field the Chaos spec does not have; the message suggests the nearest valid one. */
    public static final String UNKNOWN_FIELD = "LM0601";
    /** A value of the wrong kind: a list where a map is expected, text where a number is. */
    public static final String WRONG_TYPE = "LM0602";
    public static final String MISSING_FIELD = "LM0603";
    /** A value out of its range or not one of the allowed words. */
    public static final String INVALID_VALUE = "LM0604";
    public static final String BAD_DURATION = "LM0605";
    /** No fault, or more than one, in one spec. */
    public static final String FAULT_COUNT = "LM0606";
    /** A pod, workload or service the mesh does not have. */
    public static final String UNKNOWN_TARGET = "LM0607";
    /** Two Chaos documents with one name. */
    public static final String DUPLICATE = "LM0608";
    /** A body that is not YAML or JSON, or a document that is not a Chaos. */
    public static final String BAD_DOCUMENT = "LM0609";

    private ChaosCodes() {
    }
}

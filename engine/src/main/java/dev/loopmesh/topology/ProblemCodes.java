package dev.loopmesh.topology;

/**
 * The stable codes of topology problems, like istioctl analyze's IST codes. LM01xx are about files and
 * YAML, LM02xx about the {@code Mesh} document, LM03xx about mesh resources. docs/topology.md lists them.
 */
public final class ProblemCodes {
    /** A failure of Loopmesh itself, not of the topology (a bug: please report it). */
    public static final String INTERNAL = "LM0100";
    /** A file cannot be read: missing, a directory, unreadable. */
    public static final String FILE_UNREADABLE = "LM0101";
    public static final String FILE_TOO_LARGE = "LM0102";
    /** Not UTF-8 text: undecodable bytes, NUL or other control characters. */
    public static final String NOT_TEXT = "LM0103";
    public static final String EMPTY = "LM0104";
    public static final String YAML_SYNTAX = "LM0105";
    /** Too many aliases, a recursive alias, or too many values after expanding aliases. */
    public static final String YAML_BOMB = "LM0106";
    public static final String TOO_DEEP = "LM0107";
    public static final String DUPLICATE_KEY = "LM0108";
    public static final String NON_STRING_KEY = "LM0109";
    /** A document that is not a map. */
    public static final String NOT_A_MAP = "LM0110";
    public static final String SECOND_MESH = "LM0111";
    /** A file that includes itself, directly or through other files. */
    public static final String INCLUDE_CYCLE = "LM0112";
    /** An include glob that matches no file (a warning). */
    public static final String INCLUDE_NO_MATCH = "LM0113";
    /** An include path that does not exist, or too many included files. */
    public static final String INCLUDE_MISSING = "LM0114";

    public static final String MISSING_KEY = "LM0201";
    public static final String WRONG_TYPE = "LM0202";
    public static final String UNKNOWN_KEY = "LM0203";
    /** A value of the right type outside its range: a port, a count, a status, a share. */
    public static final String OUT_OF_RANGE = "LM0204";
    public static final String BAD_DURATION = "LM0205";
    public static final String BAD_NAME = "LM0206";
    public static final String DUPLICATE_SERVICE = "LM0207";
    public static final String DUPLICATE_VERSION = "LM0208";
    public static final String DUPLICATE_CLIENT = "LM0209";
    public static final String UNKNOWN_SERVICE = "LM0210";
    public static final String CALL_CYCLE = "LM0211";
    public static final String BAD_RATE = "LM0212";
    public static final String BAD_WEIGHT = "LM0213";
    public static final String UNKNOWN_ROUTE_SERVICE = "LM0214";
    public static final String UNKNOWN_TARGET = "LM0215";
    public static final String EXTERNAL_WITH_BEHAVIOR = "LM0216";
    /** A value that must be one of a fixed set: protocol, method, onCallFailure, latency form. */
    public static final String BAD_CHOICE = "LM0217";
    public static final String BAD_SIZE = "LM0218";
    public static final String BAD_LATENCY = "LM0219";
    /** A service with no pods (a warning): calls to it fail. */
    public static final String NO_PODS = "LM0220";
    /** An ingress route that an earlier route always shadows (a warning). */
    public static final String SHADOWED_ROUTE = "LM0221";

    public static final String RESOURCE_MISSING_KEY = "LM0301";
    public static final String UNKNOWN_API_VERSION = "LM0302";
    public static final String UNKNOWN_KIND = "LM0303";
    public static final String RESOURCE_WRONG_TYPE = "LM0304";
    public static final String RESOURCE_BAD_NAME = "LM0305";
    public static final String DUPLICATE_RESOURCE = "LM0306";
    public static final String RESOURCE_UNKNOWN_KEY = "LM0307";

    private ProblemCodes() {
    }
}

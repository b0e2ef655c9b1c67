package dev.loopmesh.policy.authz;

/**
 * Istio's meshConfig {@code pathNormalization} (Istio, "Authorization Policy Normalization"), applied to
 * the path before authorization and sent on to the app:
 * <ul>
 * <li>NONE: the path as received;</li>
 * <li>BASE (Istio's default): Envoy's {@code normalize_path} — decode once the percent-encoded unreserved
 *     characters ({@code %2D %2E %30-%39 %41-%5A %5F %61-%7A %7E}, any case), backslash to slash, RFC 3986
 *     dot-segment removal;</li>
 * <li>MERGE_SLASHES: BASE, then merge runs of slashes;</li>
 * <li>DECODE_AND_MERGE_SLASHES: first decode {@code %2F} and {@code %5C}, then MERGE_SLASHES.</li>
 * </ul>
 * The query ({@code ?…}) is never part of the path that policies see. Envoy rejects a path with
 * {@code %00} (400), a fragment {@code #} (400), or a method not in upper case (400 in Istio).
 */
public enum PathNormalization {
    NONE, BASE, MERGE_SLASHES, DECODE_AND_MERGE_SLASHES;

    /** A path that Envoy rejects before any policy: the status and why. */
    public record Rejected(int status, String reason) {
    }

    /** Why Envoy would reject this request target before authorization, or null. */
    public static Rejected reject(String target) {
        if (target.contains("#")) {
            return new Rejected(400, "fragment in the request path");
        }
        String lower = target.toLowerCase(java.util.Locale.ROOT);
        int q = lower.indexOf('?');
        String path = q < 0 ? lower : lower.substring(0, q);
        if (path.contains("%00")) {
            return new Rejected(400, "%00 in the request path");
        }
        return null;
    }

    /** The normalized path of a request target (the query is kept apart: see {@link #split}). */
    public String normalize(String path) {
        if (this == NONE) {
            return path;
        }
        String p = path;
        if (this == DECODE_AND_MERGE_SLASHES) {
            p = p.replace("%2F", "/").replace("%2f", "/").replace("%5C", "\\").replace("%5c", "\\");
        }
        p = decodeUnreserved(p);
        p = p.replace('\\', '/');
        p = removeDotSegments(p);
        if (this == MERGE_SLASHES || this == DECODE_AND_MERGE_SLASHES) {
            p = p.replaceAll("/{2,}", "/");
        }
        return p;
    }

    /** [path, query-with-'?' or ""] of a request target. */
    public static String[] split(String target) {
        int q = target.indexOf('?');
        return q < 0 ? new String[] {target, ""} : new String[] {target.substring(0, q), target.substring(q)};
    }

    /** Decodes %HH once where HH is an unreserved character (RFC 3986 section 6.2.2.2); upper-cases the hex of the rest. */
    static String decodeUnreserved(String p) {
        StringBuilder out = new StringBuilder(p.length());
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '%' && i + 2 < p.length() && hex(p.charAt(i + 1)) >= 0 && hex(p.charAt(i + 2)) >= 0) {
                int v = hex(p.charAt(i + 1)) * 16 + hex(p.charAt(i + 2));
                char d = (char) v;
                if (Character.isLetterOrDigit(d) && v < 128 || d == '-' || d == '.' || d == '_' || d == '~') {
                    out.append(d);
                } else {
                    out.append('%').append(Character.toUpperCase(p.charAt(i + 1))).append(Character.toUpperCase(p.charAt(i + 2)));
                }
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** RFC 3986 section 5.2.4, on an absolute path. */
    static String removeDotSegments(String in) {
        if (!in.startsWith("/")) {
            in = "/" + in;
        }
        java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
        String[] segs = in.substring(1).split("/", -1);
        for (int i = 0; i < segs.length; i++) {
            String s = segs[i];
            boolean last = i == segs.length - 1;
            if (s.equals(".")) {
                if (last) {
                    out.addLast("");
                }
            } else if (s.equals("..")) {
                if (!out.isEmpty()) {
                    out.removeLast();
                }
                if (last) {
                    out.addLast("");
                }
            } else {
                out.addLast(s);
            }
        }
        return "/" + String.join("/", out);
    }
}

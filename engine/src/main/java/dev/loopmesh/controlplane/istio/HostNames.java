package dev.loopmesh.controlplane.istio;

import java.util.Locale;

/** DNS names as Istio reads them: short names, FQDNs, wildcards, and the authority of a request. */
public final class HostNames {
    public static final String CLUSTER_SUFFIX = ".svc.cluster.local";

    private HostNames() {
    }

    /** Istio's ResolveShortnameToFQDN: a name without a dot lives in {@code namespace}; others stay as written. */
    public static String fqdn(String host, String namespace) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("*") || h.indexOf('.') >= 0) {
            return h;
        }
        return h + "." + namespace + CLUSTER_SUFFIX;
    }

    /** Whether {@code pattern} ({@code *}, {@code *.example.com} or a name) covers {@code host}. */
    public static boolean matches(String pattern, String host) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith("*")) {
            String suffix = pattern.substring(1);
            return host.length() > suffix.length() && host.endsWith(suffix);
        }
        return pattern.equals(host);
    }

    /** The more specific of two host patterns when one covers the other, else null (Istio's host intersection). */
    public static String intersect(String a, String b) {
        if (matches(a, b)) {
            return b;
        }
        if (matches(b, a)) {
            return a;
        }
        if (a.startsWith("*") && b.startsWith("*")) {
            String sa = a.substring(1);
            String sb = b.substring(1);
            return sa.endsWith(sb) ? a : sb.endsWith(sa) ? b : null;
        }
        return null;
    }

    /** The host part of an authority, lower case, without port (IPv6 brackets kept). */
    public static String hostOf(String authority) {
        int colon = portColon(authority);
        String h = colon < 0 ? authority : authority.substring(0, colon);
        return h.toLowerCase(Locale.ROOT);
    }

    /** The port of an authority, or -1 when it has none or it is not a number. */
    public static int portOf(String authority) {
        int colon = portColon(authority);
        if (colon < 0 || colon == authority.length() - 1) {
            return -1;
        }
        int p = 0;
        for (int i = colon + 1; i < authority.length(); i++) {
            char c = authority.charAt(i);
            if (c < '0' || c > '9' || p > 65535) {
                return -1;
            }
            p = p * 10 + (c - '0');
        }
        return p <= 65535 ? p : -1;
    }

    private static int portColon(String authority) {
        int colon = authority.lastIndexOf(':');
        int bracket = authority.lastIndexOf(']');
        return colon > bracket ? colon : -1;
    }
}

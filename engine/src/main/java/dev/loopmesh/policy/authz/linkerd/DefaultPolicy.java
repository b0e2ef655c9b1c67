package dev.loopmesh.policy.authz.linkerd;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Linkerd's default inbound policy for ports no Server selects ({@code config.linkerd.io/default-inbound-policy}).
 * "Cluster" means the cluster networks, which on Loopmesh are 127.0.0.0/8: every pod's address.
 */
public enum DefaultPolicy {
    ALL_UNAUTHENTICATED("all-unauthenticated"),
    ALL_AUTHENTICATED("all-authenticated"),
    CLUSTER_UNAUTHENTICATED("cluster-unauthenticated"),
    CLUSTER_AUTHENTICATED("cluster-authenticated"),
    DENY("deny"),
    AUDIT("audit");

    private final String value;

    DefaultPolicy(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static List<String> values(boolean text) {
        return Arrays.stream(values()).map(DefaultPolicy::value).toList();
    }

    public static DefaultPolicy parse(String s) {
        for (DefaultPolicy p : values()) {
            if (p.value.equals(s.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("default inbound policy: `" + s + "` (expected one of: " + String.join(", ", values(true)) + ")");
    }
}

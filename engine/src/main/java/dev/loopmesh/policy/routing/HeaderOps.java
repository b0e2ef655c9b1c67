package dev.loopmesh.policy.routing;

import java.util.List;
import java.util.Map;

/** Istio's HeaderOperations: set (replace), add (append), remove. Names are lower case. */
public record HeaderOps(Map<String, String> set, Map<String, String> add, List<String> remove) {
    public static final HeaderOps NONE = new HeaderOps(Map.of(), Map.of(), List.of());

    public HeaderOps {
        set = Map.copyOf(set);
        add = Map.copyOf(add);
        remove = List.copyOf(remove);
    }

    public boolean isEmpty() {
        return set.isEmpty() && add.isEmpty() && remove.isEmpty();
    }

    /** These operations, then {@code next}'s (route level first, destination level after, as Envoy appends them). */
    public HeaderOps then(HeaderOps next) {
        if (next.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return next;
        }
        Map<String, String> s = new java.util.LinkedHashMap<>(set);
        s.putAll(next.set);
        Map<String, String> a = new java.util.LinkedHashMap<>(add);
        a.putAll(next.add);
        List<String> r = new java.util.ArrayList<>(remove);
        r.addAll(next.remove);
        return new HeaderOps(s, a, r);
    }
}

package dev.loopmesh.topology;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A downstream call an emulated workload makes for each request it serves.
 *
 * @param namespace the namespace of the called service (defaults to the caller's)
 * @param timeout   the app-level timeout of one try; null for none
 * @param attempts  how many tries the app makes (1 = no app-level retry)
 * @param propagate request headers copied from the incoming request (like Bookinfo's {@code end-user})
 */
public record CallSpec(String service, String namespace, String path, String method, Map<String, String> headers,
                       Duration timeout, int attempts, List<String> propagate, Position position) {
    public CallSpec {
        requireNonNull(service, "service");
        path = path == null ? "/" : path;
        method = method == null ? "GET" : method;
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts: " + attempts + " (expected: >= 1)");
        }
        propagate = List.copyOf(propagate == null ? List.of() : propagate);
        position = position == null ? Position.UNKNOWN : position;
    }
}

package dev.loopmesh.workload.client;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One HTTP/1.1 request without a body, as an emulated app or a load client sends it.
 *
 * @param authority the {@code Host} header
 * @param headers   further headers, in order (a name may repeat)
 * @param wantBody  false to drop the response body unread (load clients only count)
 */
public record ClientRequest(String method, String path, String authority, List<Map.Entry<String, String>> headers,
                            boolean wantBody) {
    public ClientRequest {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        requireNonNull(authority, "authority");
        headers = List.copyOf(headers == null ? List.of() : headers);
    }

    public static ClientRequest get(String path, String authority) {
        return new ClientRequest("GET", path, authority, List.of(), true);
    }
}

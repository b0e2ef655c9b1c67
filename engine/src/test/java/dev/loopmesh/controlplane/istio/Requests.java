package dev.loopmesh.controlplane.istio;

import dev.loopmesh.policy.routing.RequestView;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: RequestView builders. */
final class Requests {
    private Requests() {
    }

    static RequestView get(String authority, String path, String... headerPairs) {
        return request("GET", authority, path, headerPairs);
    }

    static RequestView request(String method, String authority, String path, String... headerPairs) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            h.put(headerPairs[i].toLowerCase(java.util.Locale.ROOT), List.of(headerPairs[i + 1]));
        }
        int port = dev.loopmesh.controlplane.istio.HostNames.portOf(authority);
        return new RequestView(method, "http", authority, path, port > 0 ? port : 9080, h, "127.1.0.1");
    }
}

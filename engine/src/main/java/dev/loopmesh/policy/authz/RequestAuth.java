package dev.loopmesh.policy.authz;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The identity a verified JWT gives a request (Istio's {@code request.auth.*} attributes).
 *
 * @param principal {@code <iss>/<sub>}
 * @param claims    the payload's claims as parsed JSON values (String, Number, Boolean, List, Map)
 */
public record RequestAuth(String principal, List<String> audiences, String presenter, Map<String, Object> claims) {
    public RequestAuth {
        requireNonNull(principal, "principal");
        audiences = List.copyOf(audiences);
        presenter = presenter == null ? "" : presenter;
        claims = Map.copyOf(claims);
    }

    /**
     * The values of a claim at {@code path} ({@code [groups]} or nested {@code [a][b]}): a string claim is
     * one value, a list of strings several, as Istio matches them.
     */
    public List<String> claim(List<String> path) {
        Object v = claims;
        for (String p : path) {
            if (!(v instanceof Map)) {
                return List.of();
            }
            v = ((Map<?, ?>) v).get(p);
        }
        if (v == null || v instanceof Map) {
            return List.of();
        }
        if (v instanceof List) {
            return ((List<?>) v).stream().filter(x -> !(x instanceof Map) && !(x instanceof List)).map(String::valueOf).toList();
        }
        return List.of(String.valueOf(v));
    }
}

package dev.loopmesh.dataplane;

import dev.loopmesh.policy.resilience.RetryPolicy;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Envoy's retry conditions ({@code retry_on}): for a response, its status ({@code 5xx},
 * {@code gateway-error}, {@code retriable-4xx}, {@code retriable-status-codes}), gRPC's status in its
 * headers (a trailers-only answer: Envoy decides on the headers), {@code retriable-status-codes} with the
 * codes of the request's {@code x-envoy-retriable-status-codes}, {@code retriable-headers} with the names
 * of its {@code x-envoy-retriable-header-names} (Istio's HTTPRetry has no field for them: the app sends
 * them), and {@code envoy-ratelimited} (a response carrying {@code x-envoy-ratelimited}); for an attempt
 * that got no response, how it failed.
 */
final class RetryConditions {
    static final String RETRIABLE_STATUS_CODES = "x-envoy-retriable-status-codes";
    static final String RETRIABLE_HEADER_NAMES = "x-envoy-retriable-header-names";
    static final String RATELIMITED = "x-envoy-ratelimited";

    private RetryConditions() {
    }

    /** Whether {@code retry} retries a response with {@code status} and {@code response} headers. */
    static boolean retriable(RetryPolicy retry, HttpHeaders request, int status, HttpHeaders response) {
        if (retry.attempts() == 0) {
            return false;
        }
        java.util.Set<String> on = retry.retryOn();
        if (status >= 500 && on.contains("5xx")
                || (status == 502 || status == 503 || status == 504) && on.contains("gateway-error")
                || status == 409 && on.contains("retriable-4xx")
                || on.contains("retriable-status-codes") && on.contains(Integer.toString(status))) {
            return true;
        }
        String grpc = response.get(Grpc.STATUS);
        if (grpc != null) {
            switch (grpc.trim()) {
                case "1": return on.contains("cancelled");
                case "4": return on.contains("deadline-exceeded");
                case "8": return on.contains("resource-exhausted");
                case "13": return on.contains("internal");
                case "14": return on.contains("unavailable");
                default: break;
            }
        }
        return byHeaders(retry, request, status, response);
    }

    /** Whether {@code retry} retries an attempt that failed with {@code flag} (no response): connect failure, reset, timeout. */
    static boolean retriable(RetryPolicy retry, ResponseFlag flag) {
        java.util.Set<String> on = retry.retryOn();
        switch (flag) {
            case UF: return on.contains("connect-failure") || on.contains("5xx") || on.contains("gateway-error") || on.contains("reset");
            case UC: return on.contains("reset") || on.contains("5xx");
            case UT: return on.contains("5xx") || on.contains("gateway-error") || on.contains("reset");
            default: return false;
        }
    }

    private static boolean byHeaders(RetryPolicy retry, HttpHeaders request, int status, HttpHeaders response) {
        if (retry.retryOn().contains("envoy-ratelimited") && response.contains(RATELIMITED)) {
            return true;
        }
        if (retry.retryOn().contains("retriable-status-codes") && listed(request.get(RETRIABLE_STATUS_CODES), Integer.toString(status))) {
            return true;
        }
        if (retry.retryOn().contains("retriable-headers")) {
            String names = request.get(RETRIABLE_HEADER_NAMES);
            if (names != null) {
                for (String n : names.split(",")) {
                    String name = n.trim();
                    if (!name.isEmpty() && response.contains(name)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean listed(String commaList, String value) {
        if (commaList == null) {
            return false;
        }
        for (String v : commaList.split(",")) {
            if (v.trim().equals(value)) {
                return true;
            }
        }
        return false;
    }
}

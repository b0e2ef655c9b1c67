package dev.loopmesh.dataplane;

import dev.loopmesh.policy.resilience.RetryPolicy;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Envoy's retry conditions that read headers beyond the status: {@code retriable-status-codes} with the
 * codes of the request's {@code x-envoy-retriable-status-codes}, {@code retriable-headers} with the names of
 * its {@code x-envoy-retriable-header-names} (Istio's HTTPRetry has no field for them: the app sends
 * them), and {@code envoy-ratelimited} (a response carrying {@code x-envoy-ratelimited}).
 */
final class RetryConditions {
    static final String RETRIABLE_STATUS_CODES = "x-envoy-retriable-status-codes";
    static final String RETRIABLE_HEADER_NAMES = "x-envoy-retriable-header-names";
    static final String RATELIMITED = "x-envoy-ratelimited";

    private RetryConditions() {
    }

    /** Whether these conditions make a response with {@code status} and {@code response} headers retriable. */
    static boolean retriable(RetryPolicy retry, HttpHeaders request, int status, HttpHeaders response) {
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

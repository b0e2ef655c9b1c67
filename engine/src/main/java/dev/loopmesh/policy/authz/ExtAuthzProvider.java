package dev.loopmesh.policy.authz;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * An {@code envoyExtAuthzHttp} extension provider of Istio's MeshConfig: the HTTP service a CUSTOM
 * AuthorizationPolicy asks (Envoy's ext_authz filter with an {@code http_service}). Header lists match
 * names case-insensitively, exact, prefix {@code abc*} or suffix {@code *abc}.
 *
 * @param service  {@code [<namespace>/]<hostname>}: {@code ext-authz.foo.svc.cluster.local}
 * @param timeout  how long the proxy waits for an answer (Istio's default 600 s); past it the check failed
 * @param failOpen allow the request when the check failed (unreachable, timeout, 5xx); default false
 * @param statusOnError the status of a failed check when not failing open (default 403)
 * @param includeRequestHeadersInCheck request headers sent to the service besides Envoy's always-sent
 *                 {@code :authority}, {@code :method}, {@code :path} and {@code authorization}
 * @param includeAdditionalHeadersInCheck fixed headers added to the check (they override the request's)
 * @param headersToUpstreamOnAllow headers of the service's 200 answer set on the request sent on
 * @param headersToDownstreamOnDeny headers of a denial passed to the client; empty: all but Host
 * @param headersToDownstreamOnAllow headers of the service's 200 answer set on the response to the client
 */
public record ExtAuthzProvider(String name, String service, int port, Duration timeout, String pathPrefix, boolean failOpen,
                               int statusOnError, List<StringMatcher> includeRequestHeadersInCheck,
                               Map<String, String> includeAdditionalHeadersInCheck, List<StringMatcher> headersToUpstreamOnAllow,
                               List<StringMatcher> headersToDownstreamOnDeny, List<StringMatcher> headersToDownstreamOnAllow) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);
    /** Envoy always sends these to an HTTP authorization service. */
    static final List<String> ALWAYS_SENT = List.of("host", "authorization");
    /** With {@code headersToDownstreamOnDeny} set, Envoy adds these to the list. */
    static final List<String> ALWAYS_ON_DENY = List.of("content-length", "www-authenticate", "location");

    public ExtAuthzProvider {
        requireNonNull(name, "name");
        requireNonNull(service, "service");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        pathPrefix = pathPrefix == null ? "" : pathPrefix;
        statusOnError = statusOnError == 0 ? 403 : statusOnError;
        includeRequestHeadersInCheck = List.copyOf(includeRequestHeadersInCheck);
        includeAdditionalHeadersInCheck = Map.copyOf(includeAdditionalHeadersInCheck);
        headersToUpstreamOnAllow = List.copyOf(headersToUpstreamOnAllow);
        headersToDownstreamOnDeny = List.copyOf(headersToDownstreamOnDeny);
        headersToDownstreamOnAllow = List.copyOf(headersToDownstreamOnAllow);
    }

    /** The service's host name, without the {@code <namespace>/} qualifier. */
    public String host() {
        int slash = service.indexOf('/');
        return slash < 0 ? service : service.substring(slash + 1);
    }

    /** Whether a request header goes to the service (lower-case {@code name}). */
    public boolean sendsRequestHeader(String name) {
        return ALWAYS_SENT.contains(name) || anyMatch(includeRequestHeadersInCheck, name);
    }

    /** Whether a header of a denial goes to the client. */
    public boolean passesOnDeny(String name) {
        if (headersToDownstreamOnDeny.isEmpty()) {
            return !name.equals("host");
        }
        return ALWAYS_ON_DENY.contains(name) || anyMatch(headersToDownstreamOnDeny, name);
    }

    public boolean passesUpstreamOnAllow(String name) {
        return anyMatch(headersToUpstreamOnAllow, name);
    }

    public boolean passesDownstreamOnAllow(String name) {
        return anyMatch(headersToDownstreamOnAllow, name);
    }

    private static boolean anyMatch(List<StringMatcher> matchers, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (StringMatcher m : matchers) {
            if (m.matches(n)) {
                return true;
            }
        }
        return false;
    }
}

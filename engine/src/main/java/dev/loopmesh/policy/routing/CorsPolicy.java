package dev.loopmesh.policy.routing;

import java.time.Duration;
import java.util.List;

/** Istio's CorsPolicy, with origins as string matches reduced to exact/prefix/regex text. */
public record CorsPolicy(List<StringMatch> allowOrigins, List<String> allowMethods, List<String> allowHeaders,
                         List<String> exposeHeaders, Duration maxAge, Boolean allowCredentials) {
    public CorsPolicy {
        allowOrigins = List.copyOf(allowOrigins);
        allowMethods = List.copyOf(allowMethods);
        allowHeaders = List.copyOf(allowHeaders);
        exposeHeaders = List.copyOf(exposeHeaders);
    }
}

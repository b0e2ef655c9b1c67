package dev.loopmesh.policy.authn;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One {@code jwtRules} entry of a RequestAuthentication.
 *
 * @param audiences   empty: any audience (Istio's default)
 * @param fromHeaders where to look; with {@code fromParams} empty both, Istio's defaults apply
 *                    ({@code Authorization: Bearer …} and the {@code access_token} query parameter)
 * @param outputClaimToHeaders header → claim, copied onto the request after verification
 */
public record JwtRule(String issuer, List<String> audiences, Jwks jwks, List<HeaderLocation> fromHeaders,
                      List<String> fromParams, List<ClaimToHeader> outputClaimToHeaders, String outputPayloadToHeader,
                      boolean forwardOriginalToken) {
    public JwtRule {
        requireNonNull(issuer, "issuer");
        audiences = List.copyOf(audiences);
        requireNonNull(jwks, "jwks");
        fromHeaders = List.copyOf(fromHeaders);
        fromParams = List.copyOf(fromParams);
        outputClaimToHeaders = List.copyOf(outputClaimToHeaders);
        outputPayloadToHeader = outputPayloadToHeader == null ? "" : outputPayloadToHeader;
    }

    public record HeaderLocation(String name, String prefix) {
        public HeaderLocation {
            requireNonNull(name, "name");
            prefix = prefix == null ? "" : prefix;
        }
    }

    public record ClaimToHeader(String header, String claim) {
    }

    /** The locations this rule reads, Istio's defaults when none is written. */
    public List<HeaderLocation> headers() {
        return fromHeaders.isEmpty() && fromParams.isEmpty() ? List.of(new HeaderLocation("authorization", "Bearer ")) : fromHeaders;
    }

    public List<String> params() {
        return fromHeaders.isEmpty() && fromParams.isEmpty() ? List.of("access_token") : fromParams;
    }
}

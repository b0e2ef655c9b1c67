package dev.loopmesh.policy.authn;

/** Why Envoy's jwt_authn filter rejects a token, with its exact message (jwt_verify_lib's status strings). */
public enum JwtFailure {
    BAD_FORMAT("Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections"),
    HEADER_BAD_BASE64("Jwt header is an invalid Base64url encoded"),
    HEADER_BAD_JSON("Jwt header is an invalid JSON"),
    HEADER_BAD_ALG("Jwt header [alg] is not supported"),
    PAYLOAD_BAD_BASE64("Jwt payload is an invalid Base64url encoded"),
    PAYLOAD_BAD_JSON("Jwt payload is an invalid JSON"),
    SIGNATURE_BAD_BASE64("Jwt signature is an invalid Base64url encoded"),
    EXPIRED("Jwt is expired"),
    NOT_YET_VALID("Jwt not yet valid"),
    UNKNOWN_ISSUER("Jwt issuer is not configured"),
    AUDIENCE_NOT_ALLOWED("Audiences in Jwt are not allowed"),
    NO_MATCHING_KEY("Jwks doesn't have key to match kid or alg from Jwt"),
    VERIFICATION_FAILED("Jwt verification fails");

    private final String message;

    JwtFailure(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }
}

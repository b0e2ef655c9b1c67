package dev.loopmesh.policy.authz;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Encoding tricks against {@code DENY paths: ["/admin*"]} (Istio, "Authorization Policy Normalization" and
 * "Security best practices: understand path normalization"). Istio's recommended setting for DENY rules,
 * DECODE_AND_MERGE_SLASHES, denies them all; Envoy rejects some with 400 before any policy.
 */
class PathTricksTest {
    static final AuthorizationPolicy DENY_ADMIN = new AuthorizationPolicy("deny-admin", "default", Action.DENY, null, List.of(),
            List.of(new Rule(List.of(), List.of(new Rule.Operation(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                    List.of(StringMatcher.of("/admin*")), List.of())), List.of())), false, "", null);

    static final List<String> TRICKS = List.of(
            "/admin",
            "/admin/",
            "/admin/users",
            "/admin?x=1",
            "/admin;x",
            "/admin%2f",
            "/a/../admin",
            "/./admin",
            "//admin",
            "///admin/x",
            "/%61dmin",
            "/%61%64%6d%69%6e",
            "/%41dmin".toLowerCase().replace("%41", "%61"),
            "/%2e/admin",
            "/%2E%2E/admin",
            "/x/%2e%2e/admin",
            "/x/..%2fadmin",
            "/x%2f..%2fadmin",
            "/x/%2E./admin",
            "\\admin",
            "/x\\..\\admin",
            "/x%5c..%5cadmin",
            "/%2fadmin",
            "/admin%2Fsecret",
            "/public/../../admin",
            "/adm%69n",
            "/%5Fx/../admin");

    /** What {@code /admin*} sees after the mesh's normalization, and the decision (null: Envoy rejects with 400 first). */
    static AuthzDecision decide(PathNormalization n, String target) {
        if (PathNormalization.reject(target) != null) {
            return null;
        }
        String path = n.normalize(PathNormalization.split(target)[0]);
        return Authorizer.evaluate(List.of(DENY_ADMIN), new AuthzRequest("", "127.0.0.1", "", "h", 80, "", "GET", path, Map.of(),
                null, "", false));
    }

    @Test
    void everyTrickIsDeniedWithDecodeAndMergeSlashes() {
        assertThat(TRICKS).hasSizeGreaterThanOrEqualTo(20);
        List<String> bypass = new ArrayList<>();
        for (String t : TRICKS) {
            AuthzDecision d = decide(PathNormalization.DECODE_AND_MERGE_SLASHES, t);
            if (d != null && d.allowed()) {
                bypass.add(t + " -> " + PathNormalization.DECODE_AND_MERGE_SLASHES.normalize(PathNormalization.split(t)[0]));
            }
        }
        assertThat(bypass).isEmpty();
    }

    @Test
    void envoyRejectsNulAndFragmentsWith400BeforeAnyPolicy() {
        // Istio normalization: %00 "The request will always be rejected with HTTP code 400"; Envoy rejects '#' in the path
        assertThat(PathNormalization.reject("/admin%00.png").status()).isEqualTo(400);
        assertThat(PathNormalization.reject("/admin#x").status()).isEqualTo(400);
        assertThat(PathNormalization.reject("/admin?q=%00")).isNull();
    }

    @Test
    void theDefaultBaseNormalizationLetsSlashTricksThrough() {
        // Istio: BASE does not merge slashes nor decode %2F: "This setting is vulnerable to CVE-2021-31920"
        assertThat(decide(PathNormalization.BASE, "/a/../admin").allowed()).isFalse();
        assertThat(decide(PathNormalization.BASE, "/%61dmin").allowed()).isFalse();
        assertThat(decide(PathNormalization.BASE, "\\admin").allowed()).isFalse();
        assertThat(decide(PathNormalization.BASE, "//admin").allowed()).isTrue();
        assertThat(decide(PathNormalization.BASE, "/%2fadmin").allowed()).isTrue();
        assertThat(decide(PathNormalization.MERGE_SLASHES, "//admin").allowed()).isFalse();
        assertThat(decide(PathNormalization.MERGE_SLASHES, "/%2fadmin").allowed()).isTrue();
        assertThat(decide(PathNormalization.NONE, "/a/../admin").allowed()).isTrue();
    }

    @Test
    void caseIsNotNormalizedSoUpperCaseIsAnotherPath() {
        // Istio normalization decodes %41-%5A to A-Z but never changes case: /ADMIN is not /admin* (as in Istio)
        assertThat(decide(PathNormalization.DECODE_AND_MERGE_SLASHES, "/ADMIN").allowed()).isTrue();
        assertThat(PathNormalization.BASE.normalize("/%41dmin")).isEqualTo("/Admin");
        assertThat(PathNormalization.BASE.normalize("/a%2fb%3F")).isEqualTo("/a%2Fb%3F");
    }
}

package dev.loopmesh.policy.authz;

import dev.loopmesh.security.SecurityBinder;
import dev.loopmesh.security.SecurityCodes;
import dev.loopmesh.security.SecurityConfig;
import dev.loopmesh.security.Yaml;
import dev.loopmesh.topology.Problem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuthorizationTest {
    static final String PRODUCTPAGE = "cluster.local/ns/default/sa/bookinfo-productpage";

    static List<AuthorizationPolicy> policies(String yaml) {
        SecurityConfig c = SecurityBinder.bind(Yaml.resources(yaml));
        assertThat(c.problems()).isEmpty();
        return c.authorizationPolicies();
    }

    static AuthzRequest get(String principal, String path) {
        return new AuthzRequest(principal, "127.1.0.1", "", "reviews:9080", 9080, "127.1.0.2", "GET", path,
                Map.of("end-user", List.of("jason")), null, "", !principal.isEmpty());
    }

    static AuthzDecision eval(String yaml, AuthzRequest r) {
        return Authorizer.evaluate(policies(yaml), r);
    }

    @Test
    void anEmptySpecIsAllowNothingAndDeniesEverything() {
        // Istio authorization policy: "allow-nothing": spec {} — ALLOW with no rules matches nothing, so all is denied
        AuthzDecision d = eval("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: allow-nothing, namespace: default}
                spec: {}
                """, get(PRODUCTPAGE, "/"));
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo("denied: no ALLOW policy matched");
    }

    @Test
    void denyAllNeedsAnEmptyRuleWhileADenyWithoutRulesDoesNothing() {
        // Istio: "deny-all": action DENY with rules [{}] matches every request; DENY without rules matches none
        assertThat(eval("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-all, namespace: default}
                spec: {action: DENY, rules: [{}]}
                """, get(PRODUCTPAGE, "/")).allowed()).isFalse();
        assertThat(eval("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-none, namespace: default}
                spec: {action: DENY}
                """, get(PRODUCTPAGE, "/")).allowed()).isTrue();
    }

    @Test
    void denyIsEvaluatedBeforeAllowAndNoAllowPolicyMeansAllow() {
        // Istio: CUSTOM, then DENY, then ALLOW; "If there are no ALLOW policies for the workload, allow the request"
        String yaml = """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: allow-all, namespace: default}
                spec: {rules: [{}]}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-admin, namespace: default}
                spec:
                  action: DENY
                  rules: [{to: [{operation: {paths: ["/admin*"]}}]}]
                """;
        AuthzDecision admin = eval(yaml, get(PRODUCTPAGE, "/admin/users"));
        assertThat(admin.allowed()).isFalse();
        assertThat(admin.policy()).isEqualTo("default/deny-admin");
        assertThat(eval(yaml, get(PRODUCTPAGE, "/reviews")).policy()).isEqualTo("default/allow-all");
        assertThat(Authorizer.evaluate(List.of(), get("", "/")).allowed()).isTrue();
    }

    @Test
    void sourcesOperationsAndConditionsCombineAsIstioSays() {
        // Istio: a rule matches when one source, one operation and all conditions match; fields are ANDed, values ORed
        String yaml = """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: reviews, namespace: default}
                spec:
                  rules:
                  - from:
                    - source: {principals: ["cluster.local/ns/default/sa/bookinfo-productpage"]}
                    - source: {namespaces: ["monitoring"]}
                    to:
                    - operation: {methods: [GET, HEAD], paths: ["/reviews/*", "*/health"], notPorts: ["9090"]}
                    when:
                    - {key: "request.headers[End-User]", values: [jason, "admin*"]}
                    - {key: source.ip, values: ["127.0.0.0/8"], notValues: ["127.9.9.9"]}
                """;
        List<AuthorizationPolicy> p = policies(yaml);
        assertThat(Authorizer.evaluate(p, get(PRODUCTPAGE, "/reviews/0")).allowed()).isTrue();
        assertThat(Authorizer.evaluate(p, get(PRODUCTPAGE, "/status/health")).allowed()).isTrue();
        assertThat(Authorizer.evaluate(p, get(PRODUCTPAGE, "/ratings/0")).allowed()).isFalse();
        assertThat(Authorizer.evaluate(p, get("cluster.local/ns/monitoring/sa/prom", "/reviews/1")).allowed()).isTrue();
        assertThat(Authorizer.evaluate(p, get("cluster.local/ns/default/sa/other", "/reviews/1")).allowed()).isFalse();
        // plaintext has no principal: principals never match it
        assertThat(Authorizer.evaluate(p, get("", "/reviews/1")).allowed()).isFalse();
        AuthzRequest post = new AuthzRequest(PRODUCTPAGE, "127.1.0.1", "", "reviews", 9080, "", "POST", "/reviews/0",
                Map.of("end-user", List.of("jason")), null, "", true);
        assertThat(Authorizer.evaluate(p, post).allowed()).isFalse();
        AuthzRequest other = new AuthzRequest(PRODUCTPAGE, "127.1.0.1", "", "reviews", 9080, "", "GET", "/reviews/0",
                Map.of("end-user", List.of("bob")), null, "", true);
        assertThat(Authorizer.evaluate(p, other).allowed()).isFalse();
    }

    @Test
    void notPrincipalsStarMatchesOnlyPlaintextRequests() {
        // Istio security best practices: notPrincipals ["*"] denies requests without an mTLS identity
        String yaml = """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: require-mtls, namespace: default}
                spec:
                  action: DENY
                  rules: [{from: [{source: {notPrincipals: ["*"]}}]}]
                """;
        assertThat(eval(yaml, get("", "/")).allowed()).isFalse();
        assertThat(eval(yaml, get(PRODUCTPAGE, "/")).allowed()).isTrue();
    }

    @Test
    void dryRunPoliciesAreLoggedButNotEnforcedAndAuditOnlyMarks() {
        // Istio dry-run: annotation istio.io/dry-run "true" evaluates the policy in shadow mode without enforcing
        AuthzDecision d = eval("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata:
                  name: deny-get
                  namespace: default
                  annotations: {istio.io/dry-run: "true"}
                spec:
                  action: DENY
                  rules: [{to: [{operation: {methods: [GET]}}]}]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: audit-get, namespace: default}
                spec:
                  action: AUDIT
                  rules: [{to: [{operation: {methods: [GET]}}]}]
                """, get(PRODUCTPAGE, "/"));
        assertThat(d.allowed()).isTrue();
        assertThat(d.shadow()).containsExactlyInAnyOrder("audited by AUDIT policy default/audit-get",
                "dry-run: would be denied by DENY policy default/deny-get");
    }

    @Test
    void customWithoutAConfiguredProviderAndOtherMistakesAreReportedWithPositions() {
        // Istio: CUSTOM needs provider.name naming one of meshConfig.extensionProviders
        List<Problem> p = SecurityBinder.bind(Yaml.resources("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ext, namespace: default}
                spec:
                  action: CUSTOM
                  provider: {name: my-ext-authz}
                  selector: {matchLabels: {app: reviews}}
                  targetRef: {kind: Service, name: reviews}
                  rules:
                  - to: [{operation: {pahts: ["/a*b"], ports: ["http"]}}]
                    when: [{key: "request.header[x]", values: [a]}, {key: source.ip, values: [not-an-ip]}]
                """)).problems();
        assertThat(p).extracting(Problem::code).contains(SecurityCodes.UNKNOWN_PROVIDER, SecurityCodes.CONFLICT,
                SecurityCodes.UNKNOWN_FIELD, SecurityCodes.INVALID_VALUE, SecurityCodes.UNKNOWN_CONDITION, SecurityCodes.BAD_CIDR);
        String all = p.toString();
        assertThat(all).contains("CUSTOM provider `my-ext-authz` is not configured", "did you mean `paths`?",
                "did you mean `request.headers[]`?", "policy.yaml:6:");
    }

    @Test
    void hostsMatchCaseInsensitivelyButPathsAndMethodsDoNot() {
        // Istio: hosts are matched case-insensitively; paths are case-sensitive
        List<AuthorizationPolicy> p = policies("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: host, namespace: default}
                spec:
                  rules: [{to: [{operation: {hosts: ["Reviews:9080"], paths: ["/api*"]}}]}]
                """);
        assertThat(Authorizer.evaluate(p, get(PRODUCTPAGE, "/api/x")).allowed()).isTrue();
        assertThat(Authorizer.evaluate(p, get(PRODUCTPAGE, "/API/x")).allowed()).isFalse();
    }
}

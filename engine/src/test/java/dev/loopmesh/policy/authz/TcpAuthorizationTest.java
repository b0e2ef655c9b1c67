package dev.loopmesh.policy.authz;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Istio task "Authorization for TCP traffic": how HTTP-only fields read on a TCP connection. */
class TcpAuthorizationTest {
    static AuthzRequest connection(String principal, int port) {
        return new AuthzRequest(principal, "127.1.0.1", "", "", port, "127.1.0.2", "", "", Map.of(), null, "", !principal.isEmpty());
    }

    static boolean allowed(String spec, AuthzRequest r) {
        return Authorizer.evaluateTcp(AuthorizationTest.policies("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: tcp-policy, namespace: foo}
                spec:
                """ + spec.indent(2)), r).allowed();
    }

    @Test
    void anAllowRuleOnPortsAdmitsThosePortsOnly() {
        String spec = "{action: ALLOW, rules: [{to: [{operation: {ports: [\"9000\", \"9001\"]}}]}]}";
        assertThat(allowed(spec, connection("", 9000))).isTrue();
        assertThat(allowed(spec, connection("", 9002))).isFalse();
    }

    @Test
    void anAllowRuleWithAnHttpOnlyFieldIsIgnoredSoNothingIsAllowed() {
        // "the rule becomes invalid when it uses an HTTP-only field (methods) for TCP traffic. Istio ignores the invalid ALLOW rule"
        String spec = "{action: ALLOW, rules: [{to: [{operation: {methods: [GET], ports: [\"9000\"]}}]}]}";
        assertThat(allowed(spec, connection("", 9000))).isFalse();
        assertThat(allowed(spec, connection("", 9001))).isFalse();
    }

    @Test
    void aDenyRuleDropsItsHttpOnlyFieldsAndSoDeniesMore() {
        // "due to its restrictive nature it denies all the traffic to the tcp ports"
        assertThat(allowed("{action: DENY, rules: [{to: [{operation: {methods: [GET]}}]}]}", connection("", 9001))).isFalse();
        String both = "{action: DENY, rules: [{to: [{operation: {methods: [GET], ports: [\"9000\"]}}]}]}";
        assertThat(allowed(both, connection("", 9000))).isFalse();
        assertThat(allowed(both, connection("", 9001))).isTrue();
        String headers = "{action: DENY, rules: [{from: [{source: {principals: [\"cluster.local/ns/foo/sa/sleep\"]}}],"
                + " when: [{key: \"request.headers[x-user]\", values: [bob]}]}]}";
        assertThat(allowed(headers, connection("cluster.local/ns/foo/sa/sleep", 9000))).isFalse();
        assertThat(allowed(headers, connection("cluster.local/ns/foo/sa/other", 9000))).isTrue();
    }

    @Test
    void aCustomPolicyWithAnHttpProviderDoesNotApplyToConnections() {
        AuthorizationPolicy custom = new AuthorizationPolicy("ext", "foo", Action.CUSTOM, null, java.util.List.of(),
                java.util.List.of(Rule.ANY), false, "sample-ext-authz-http", null);
        assertThat(custom.forTcp()).isNull();
        assertThat(Authorizer.evaluateTcp(java.util.List.of(custom), connection("", 9000)).allowed()).isTrue();
    }
}

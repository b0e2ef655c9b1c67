package dev.loopmesh.policy.authz;

import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.policy.authz.linkerd.LinkerdPolicy;
import dev.loopmesh.security.InboundSecurity;
import dev.loopmesh.security.SecurityBinder;
import dev.loopmesh.security.SecurityConfig;
import dev.loopmesh.security.SecurityTranslator;
import dev.loopmesh.security.Yaml;
import dev.loopmesh.topology.Topology;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LinkerdPolicyTest {
    static final String PRODUCTPAGE = "spiffe://cluster.local/ns/default/sa/bookinfo-productpage";
    static final String REVIEWS = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";

    LinkerdPolicy.Decision decide(String yaml, String pod, String peer) {
        Topology t = Yaml.bookinfo(yaml);
        Registry r = Yaml.registry(t);
        SecurityConfig c = SecurityBinder.bind(t.resources());
        assertThat(c.problems()).isEmpty();
        InboundSecurity in = new SecurityTranslator(c).inbound(Yaml.pod(r, pod));
        return in.linkerd().evaluate("default", Yaml.pod(r, pod).labels(), 9080, peer, "127.1.0.9");
    }

    /** Linkerd's {@code kind} (policy.linkerd.io/{@code version}) {@code name} in namespace default. */
    static String linkerd(String version, String kind, String name, String spec) {
        return Yaml.resource("policy.linkerd.io/" + version, kind, name, "default", spec);
    }

    /** {@link #SERVER}, then these documents. */
    static String serverAnd(String... documents) {
        return SERVER + "---\n" + Yaml.docs(documents);
    }

    static final String SERVER = """
            apiVersion: policy.linkerd.io/v1beta3
            kind: Server
            metadata: {name: ratings-http, namespace: default}
            spec:
              podSelector: {matchLabels: {app: ratings}}
              port: 9080
            """;

    @Test
    void aServerDeniesEverythingUntilAnAuthorizationAllowsAClient() {
        // Linkerd: "traffic to a Server is denied unless explicitly authorized" (accessPolicy default deny)
        assertThat(decide(SERVER, "ratings-v1-0", REVIEWS).allowed()).isFalse();
        String yaml = serverAnd(linkerd("v1alpha1", "MeshTLSAuthentication", "reviews-only", """
                identityRefs: [{kind: ServiceAccount, name: bookinfo-reviews}]
                """), linkerd("v1alpha1", "AuthorizationPolicy", "ratings-from-reviews", """
                targetRef: {group: policy.linkerd.io, kind: Server, name: ratings-http}
                requiredAuthenticationRefs:
                - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: reviews-only}
                """));
        LinkerdPolicy.Decision ok = decide(yaml, "ratings-v1-0", REVIEWS);
        assertThat(ok.allowed()).isTrue();
        assertThat(ok.decidedBy()).isEqualTo("Server default/ratings-http via AuthorizationPolicy default/ratings-from-reviews");
        assertThat(decide(yaml, "ratings-v1-0", PRODUCTPAGE).allowed()).isFalse();
        assertThat(decide(yaml, "ratings-v1-0", "").allowed()).isFalse();
        // ports no Server selects follow the default inbound policy (all-unauthenticated unless configured)
        assertThat(decide(yaml, "reviews-v1-0", "").decidedBy()).isEqualTo("default:all-unauthenticated");
    }

    @Test
    void theDefaultInboundPolicyComesFromTheMeshConfig() {
        // Linkerd default inbound policies: all-authenticated admits meshed clients only; deny admits none
        String allAuth = """
                apiVersion: loopmesh.dev/v1
                kind: MeshConfig
                metadata: {name: mesh}
                spec: {linkerd: {defaultInboundPolicy: all-authenticated}}
                """;
        assertThat(decide(allAuth, "reviews-v1-0", PRODUCTPAGE).allowed()).isTrue();
        assertThat(decide(allAuth, "reviews-v1-0", "").allowed()).isFalse();
        assertThat(decide(allAuth.replace("all-authenticated", "deny"), "reviews-v1-0", PRODUCTPAGE).allowed()).isFalse();
        assertThat(decide(allAuth.replace("all-authenticated", "audit"), "reviews-v1-0", "").audit()).isTrue();
        assertThat(decide(allAuth.replace("all-authenticated", "cluster-authenticated"), "reviews-v1-0", PRODUCTPAGE).allowed()).isTrue();
    }

    @Test
    void legacyServerAuthorizationWithServiceAccountsAndUnauthenticatedClients() {
        String yaml = serverAnd(linkerd("v1beta1", "ServerAuthorization", "ratings-reviews", """
                server: {name: ratings-http}
                client:
                  meshTLS:
                    serviceAccounts: [{name: bookinfo-reviews}]
                """));
        assertThat(decide(yaml, "ratings-v1-0", REVIEWS).allowed()).isTrue();
        assertThat(decide(yaml, "ratings-v1-0", PRODUCTPAGE).allowed()).isFalse();
        String open = serverAnd(linkerd("v1beta1", "ServerAuthorization", "ratings-any", """
                server: {name: ratings-http}
                client: {unauthenticated: true, networks: [{cidr: 127.0.0.0/8}]}
                """));
        assertThat(decide(open, "ratings-v1-0", "").allowed()).isTrue();
    }

    @Test
    void referencesToMissingServersAreReported() {
        var p = SecurityBinder.bind(Yaml.resources(serverAnd(linkerd("v1alpha1", "AuthorizationPolicy", "typo", """
                targetRef: {group: policy.linkerd.io, kind: Server, name: ratings-htp}
                requiredAuthenticationRefs: []
                """)))).problems();
        assertThat(p.toString()).contains("LM0711", "no Server `ratings-htp`", "did you mean `ratings-http`?");
    }
}

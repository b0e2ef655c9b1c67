package dev.loopmesh.policy.authn;

import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.security.SecurityBinder;
import dev.loopmesh.security.SecurityCodes;
import dev.loopmesh.security.SecurityTranslator;
import dev.loopmesh.security.Yaml;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Topology;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PeerAuthenticationTest {
    /** Mesh-wide: the root namespace's policy. */
    static final String MESH_STRICT = Yaml.peerAuthentication("default", "istio-system", "mtls: {mode: STRICT}\n");

    InboundMtls resolve(String yaml, String pod) {
        Topology t = Yaml.bookinfo(yaml);
        Registry r = Yaml.registry(t);
        return new SecurityTranslator(SecurityBinder.bind(t.resources())).mtls(Yaml.pod(r, pod));
    }

    @Test
    void withoutAnyPolicyTheMeshIsPermissive() {
        // Istio PeerAuthentication: "If not specified ... the default mode is PERMISSIVE"
        assertThat(resolve("", "reviews-v1-0").mode()).isEqualTo(MtlsMode.PERMISSIVE);
    }

    @Test
    void workloadPolicyBeatsNamespacePolicyWhichBeatsTheMeshPolicy() {
        // Istio: "workload-specific > namespace-wide > mesh-wide"
        String yaml = Yaml.docs(MESH_STRICT, Yaml.peerAuthentication("default", "default", "mtls: {mode: PERMISSIVE}\n"),
                Yaml.peerAuthentication("ratings-off", "default", """
                        selector: {matchLabels: {app: ratings}}
                        mtls: {mode: DISABLE}
                        """));
        assertThat(resolve(yaml, "ratings-v1-0").mode()).isEqualTo(MtlsMode.DISABLE);
        assertThat(resolve(yaml, "reviews-v1-0").mode()).isEqualTo(MtlsMode.PERMISSIVE);
        assertThat(resolve(MESH_STRICT, "reviews-v1-0").mode()).isEqualTo(MtlsMode.STRICT);
    }

    @Test
    void unsetInheritsAndPortLevelMtlsOverridesForOnePort() {
        // Istio: UNSET "inherit from parent"; portLevelMtls applies per workload port, with a selector only
        String yaml = Yaml.docs(MESH_STRICT, Yaml.peerAuthentication("details", "default", """
                selector: {matchLabels: {app: details}}
                mtls: {mode: UNSET}
                portLevelMtls:
                  9080: {mode: PERMISSIVE}
                  9090: {mode: UNSET}
                """));
        InboundMtls m = resolve(yaml, "details-v1-0");
        assertThat(m.mode()).isEqualTo(MtlsMode.STRICT);
        assertThat(m.mode(9080)).isEqualTo(MtlsMode.PERMISSIVE);
        assertThat(m.mode(9090)).isEqualTo(MtlsMode.STRICT);
    }

    @Test
    void portLevelMtlsWithoutSelectorAndABadModeAreErrors() {
        List<Problem> p = SecurityBinder.bind(Yaml.resources(Yaml.peerAuthentication("default", "default", """
                mtls: {mode: STRICKT}
                portLevelMtls: {9080: {mode: DISABLE}}
                """))).problems();
        assertThat(p).extracting(Problem::code).contains(SecurityCodes.CONFLICT, SecurityCodes.INVALID_VALUE);
        assertThat(p.toString()).contains("did you mean `STRICT`?").contains("policy.yaml:5");
    }

    @Test
    void autoMtlsOriginatesToSidecarsUnlessTheServerDisablesItAndAnExplicitModeWins() {
        // Istio auto mTLS: mTLS to workloads with sidecars when the DestinationRule sets no tls mode
        assertThat(TlsOrigination.decide("", true, MtlsMode.STRICT)).isEqualTo(TlsOrigination.Kind.ISTIO_MUTUAL);
        assertThat(TlsOrigination.decide("", true, MtlsMode.PERMISSIVE)).isEqualTo(TlsOrigination.Kind.ISTIO_MUTUAL);
        assertThat(TlsOrigination.decide("", true, MtlsMode.DISABLE)).isEqualTo(TlsOrigination.Kind.PLAINTEXT);
        assertThat(TlsOrigination.decide("", false, MtlsMode.PERMISSIVE)).isEqualTo(TlsOrigination.Kind.PLAINTEXT);
        assertThat(TlsOrigination.decide("DISABLE", true, MtlsMode.STRICT)).isEqualTo(TlsOrigination.Kind.PLAINTEXT);
        assertThat(TlsOrigination.decide("ISTIO_MUTUAL", false, MtlsMode.PERMISSIVE)).isEqualTo(TlsOrigination.Kind.ISTIO_MUTUAL);
        assertThat(TlsOrigination.decide("SIMPLE", true, MtlsMode.STRICT)).isEqualTo(TlsOrigination.Kind.SIMPLE);
    }
}

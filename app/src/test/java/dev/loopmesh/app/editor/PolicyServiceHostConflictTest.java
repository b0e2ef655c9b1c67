package dev.loopmesh.app.editor;

import dev.loopmesh.Mesh;
import dev.loopmesh.MeshOptions;
import dev.loopmesh.controlplane.istio.IstioCodes;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.topology.Severity;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two VirtualServices for one host (istioctl analyze IST0109): the API server accepts the second one and
 * only the analyzer complains, so the editor applies it with a warning while validation still calls it an error.
 */
class PolicyServiceHostConflictTest {
    private static final String FIRST = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - route: [{destination: {host: reviews, subset: v1}}]
            """;
    private static final String SECOND = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews-jason}
            spec:
              hosts: [reviews]
              http:
              - match: [{headers: {end-user: {exact: jason}}}]
                route: [{destination: {host: reviews, subset: v2}}]
            """;
    private static final String SUBSETS = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews}
            spec:
              host: reviews
              subsets:
              - {name: v1, labels: {version: v1}}
              - {name: v2, labels: {version: v2}}
            """;

    private Mesh mesh;
    private PolicyService policies;

    @BeforeEach
    void start() {
        mesh = Mesh.start(new TopologyLoader().builtIn(), MeshOptions.forTests().withTraffic(false), new IstioTranslator());
        policies = new PolicyService(mesh);
    }

    @AfterEach
    void stop() {
        mesh.close();
    }

    @Test
    void aSecondVirtualServiceForAHostIsAppliedWithAWarningLikeKubectlApplyButValidationStillReportsIt() {
        assertThat(policies.apply(SUBSETS + "---\n" + FIRST, "test").applied()).isTrue();

        assertThat(policies.check(SECOND).problems()).anySatisfy(p -> {
            assertThat(p.code()).isEqualTo(IstioCodes.HOST_CONFLICT);
            assertThat(p.severity()).isEqualTo(Severity.WARNING);
        });
        PolicyService.Result r = policies.apply(SECOND, "test");

        assertThat(r.applied()).isTrue();
        assertThat(r.rejected()).isFalse();
        assertThat(r.summary()).contains("applied").contains("warning").contains("IST0109");
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.severity()).isEqualTo(Severity.WARNING));
        assertThat(policies.live("networking.istio.io/VirtualService/default/reviews-jason")).isPresent();
        assertThat(policies.live("networking.istio.io/VirtualService/default/reviews")).isPresent();
        // what loopmesh validate and istioctl analyze say of the same resources: an error on both
        IstioTranslator istio = (IstioTranslator) mesh.controlPlane().translator();
        assertThat(istio.analyze(mesh.registry(), mesh.controlPlane().resources()))
                .filteredOn(p -> p.code().equals(IstioCodes.HOST_CONFLICT))
                .hasSize(2)
                .allSatisfy(p -> assertThat(p.severity()).isEqualTo(Severity.ERROR));
    }
}

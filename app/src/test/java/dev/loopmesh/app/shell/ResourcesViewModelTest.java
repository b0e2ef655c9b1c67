package dev.loopmesh.app.shell;

import dev.loopmesh.app.fixtures.GatewayYaml;
import dev.loopmesh.Mesh;
import dev.loopmesh.MeshOptions;
import dev.loopmesh.app.editor.PolicyService;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The resources pane's states, from a live Bookinfo's control plane. */
class ResourcesViewModelTest {
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

    private List<ResourcesViewModel.Row> rows() {
        return ResourcesViewModel.rows(mesh.controlPlane().translator(), mesh, mesh.controlPlane().resources(), mesh.controlPlane().events(0));
    }

    private ResourcesViewModel.Row row(String label) {
        return rows().stream().filter(r -> r.label().equals(label)).findFirst().orElseThrow(() -> new AssertionError(label + " in " + rows()));
    }

    @Test
    void aCleanResourceIsInForce() {
        policies.apply("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews}
                spec:
                  host: reviews
                  subsets: [{name: v1, labels: {version: v1}}]
                """, "test");

        assertThat(row("DestinationRule default/reviews").state()).isEqualTo(ResourcesViewModel.State.OK);
        assertThat(row("DestinationRule default/reviews").key()).isNotNull();
    }

    @Test
    void aVirtualServiceRoutingToAHostNobodyKnowsShowsTheWarning() {
        PolicyService.Result r = policies.apply("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: ratings}
                spec:
                  hosts: [ratings]
                  http:
                  - route: [{destination: {host: ratngs}}]
                """, "test");

        ResourcesViewModel.Row row = row("VirtualService default/ratings");
        assertThat(row.state()).as(r.summary()).isEqualTo(ResourcesViewModel.State.WARNING);
        assertThat(row.detail()).contains("ratngs");
    }

    @Test
    void gatewayApiResourcesAreListedWithTheirFindings() {
        policies.apply(GatewayYaml.gatewayApi("bookinfo-gateway") + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: bookinfo}
                spec:
                  parentRefs: [{name: bookinfo-gateway}]
                  rules:
                  - backendRefs: [{name: prodcutpage, port: 9080}]
                """, "test");

        assertThat(row("Gateway default/bookinfo-gateway").state()).isEqualTo(ResourcesViewModel.State.OK);
        ResourcesViewModel.Row route = row("HTTPRoute default/bookinfo");
        assertThat(route.state()).isEqualTo(ResourcesViewModel.State.WARNING);
        assertThat(route.detail()).contains("LM0410").contains("did you mean `productpage`?").contains("500");
    }

    @Test
    void aRejectedResourceIsListedAsNotInForceWithTheReason() {
        policies.apply("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews}
                spec:
                  hosts: [reviews]
                  http:
                  - route: [{destination: {host: reviews}, wieght: 100}]
                """, "test");

        ResourcesViewModel.Row row = row("VirtualService default/reviews");
        assertThat(row.state()).isEqualTo(ResourcesViewModel.State.REJECTED);
        assertThat(row.key()).isNull();
        assertThat(row.detail()).startsWith("rejected, not in force").contains("weight");
    }
}

package dev.loopmesh.app.faults;

import dev.loopmesh.app.fixtures.GatewayYaml;
import dev.loopmesh.Mesh;
import dev.loopmesh.MeshOptions;
import dev.loopmesh.app.editor.PolicyService;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.telemetry.RequestRecord;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Delay and abort on a service a mesh (GAMMA) HTTPRoute routes go into that route's {@code loopmesh.dev/faults}
 * annotation: a VirtualService with the fault would lose the host to the route on the sidecars (istiod puts the
 * Gateway API routes of the sidecar's namespace first), and the Gateway API has no fault filter.
 */
class MeshRouteFaultsTest {
    private static final String MESH = """
            apiVersion: loopmesh.dev/v1
            kind: Mesh
            metadata: {name: gamma}
            spec:
              services:
              - name: front
                port: 8000
                workloads: [{version: v1, behavior: {onCallFailure: {fail: 503}, calls: [{service: back}]}}]
              - {name: back, port: 8000, workloads: [{version: v1}]}
              ingress:
                routes: [{prefix: /, service: front}]
            """;
    private static final String ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: back
              labels: {team: shop}
            spec:
              parentRefs: [{group: "", kind: Service, name: back, port: 8000}]
              rules: [{backendRefs: [{name: back, port: 8000}]}]
            """;
    private static final String KEY = "gateway.networking.k8s.io/HTTPRoute/default/back";
    private static final FaultTarget.Service BACK = new FaultTarget.Service("back");

    private Mesh mesh;
    private PolicyService policies;
    private MeshFaultInjector faults;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        mesh = Mesh.start(new TopologyLoader().loadString("gamma.yaml", MESH), MeshOptions.forTests().withTraffic(false), new IstioTranslator());
        policies = new PolicyService(mesh);
        faults = new MeshFaultInjector(policies);
        assertThat(policies.apply(ROUTE, "test").applied()).isTrue();
    }

    @AfterEach
    void stop() {
        mesh.close();
    }

    private int get() throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mesh.ingressAddress().getPort() + "/"))
                .timeout(Duration.ofSeconds(20)).build();
        return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** front's sidecar's record of its latest call to back. */
    private Optional<RequestRecord> lastCallToBack() {
        return mesh.telemetry().accessLog().last("front-v1-0", 20).stream()
                .filter(r -> r.destinationService().startsWith("back")).reduce((a, b) -> b);
    }

    @Test
    void anAbortOnAServiceAMeshRouteRoutesGoesInTheRoutesAnnotationAndTheRouteComesBackAsItWas() throws Exception {
        String before = policies.liveText(KEY).orElseThrow();
        assertThat(get()).isEqualTo(200);

        ActiveFault abort = faults.inject(FaultRequest.abort(BACK, 503, 100));

        assertThat(faults.active()).containsExactly(abort);
        assertThat(policies.live(KEY).orElseThrow().annotations()).containsKey("loopmesh.dev/faults");
        assertThat(policies.live("networking.istio.io/VirtualService/default/back-faults")).isEmpty();
        assertThat(get()).isEqualTo(503);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lastCallToBack()).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.responseFlags()).isEqualTo("FI");
        }));

        assertThat(faults.remove(abort.id())).isTrue();

        assertThat(faults.active()).isEmpty();
        assertThat(policies.liveText(KEY).orElseThrow()).isEqualTo(before);
        assertThat(get()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lastCallToBack())
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(200)));
    }

    @Test
    void aDelayAndAnAbortOnTheSameServiceShareTheAnnotationAndEachComesOffAlone() throws Exception {
        String before = policies.liveText(KEY).orElseThrow();
        ActiveFault delay = faults.inject(FaultRequest.delay(BACK, 20, 100));
        ActiveFault abort = faults.inject(FaultRequest.abort(BACK, 503, 100));

        assertThat(policies.live(KEY).orElseThrow().annotations().get("loopmesh.dev/faults")).contains("delay").contains("abort");

        faults.remove(abort.id());

        assertThat(policies.live(KEY).orElseThrow().annotations().get("loopmesh.dev/faults")).contains("delay").doesNotContain("abort");
        assertThat(get()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lastCallToBack())
                .hasValueSatisfying(r -> assertThat(r.responseFlags()).isEqualTo("DI")));

        faults.remove(delay.id());

        assertThat(policies.liveText(KEY).orElseThrow()).isEqualTo(before);
    }

    @Test
    void anEditOfTheRouteWhileTheFaultIsInForceStaysWhenTheFaultGoes() throws Exception {
        ActiveFault abort = faults.inject(FaultRequest.abort(BACK, 503, 100));
        String withFault = policies.liveText(KEY).orElseThrow();
        String edited = withFault.stripTrailing() + "\n    timeouts: {request: 9s}\n";
        assertThat(edited).isNotEqualTo(withFault);
        assertThat(policies.apply(edited, "editor").applied()).isTrue();

        faults.remove(abort.id());

        assertThat(policies.liveText(KEY).orElseThrow()).contains("9s").doesNotContain("loopmesh.dev/faults");
        assertThat(get()).isEqualTo(200);
    }

    @Test
    void aFaultOnOneCallersEdgeToAServiceAMeshRouteRoutesIsRefusedForWantOfASourceMatch() {
        FaultTarget.Edge frontToBack = new FaultTarget.Edge("front-v1", "front", "v1", "back-v1", "back");

        assertThatThrownBy(() -> faults.inject(FaultRequest.delay(frontToBack, 7000, 100)))
                .hasMessageContaining("back is routed by HTTPRoute default/back (Gateway API)")
                .hasMessageContaining("no source match")
                .hasMessageContaining("inject it on back itself (every caller)");

        assertThat(faults.active()).isEmpty();
        assertThat(policies.live(KEY).orElseThrow().annotations()).doesNotContainKey("loopmesh.dev/faults");
        assertThat(policies.live("networking.istio.io/VirtualService/default/back-faults")).isEmpty();
    }

    @Test
    void anIngressFaultAndAMeshFaultOnOneRouteShareItsAnnotationAndComeOffApart() {
        String shop = GatewayYaml.gatewayApi("shop-gateway") + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: shop}
                spec:
                  parentRefs: [{name: shop-gateway}, {group: "", kind: Service, name: back, port: 8000}]
                  rules: [{backendRefs: [{name: back, port: 8000}]}]
                """;
        assertThat(policies.apply(shop, "test").applied()).isTrue();
        String key = "gateway.networking.k8s.io/HTTPRoute/default/shop";
        String before = policies.liveText(key).orElseThrow();
        FaultTarget.Edge ingressToBack = new FaultTarget.Edge(Registry.GATEWAY, Registry.GATEWAY, "", "back-v1", "back");

        ActiveFault ingress = faults.inject(FaultRequest.abort(ingressToBack, 503, 100));
        ActiveFault service = faults.inject(FaultRequest.delay(BACK, 20, 100));

        assertThat(policies.live(key).orElseThrow().annotations().get("loopmesh.dev/faults")).contains("abort").contains("delay");

        faults.remove(ingress.id());

        assertThat(policies.live(key).orElseThrow().annotations().get("loopmesh.dev/faults")).contains("delay").doesNotContain("abort");

        faults.remove(service.id());

        assertThat(policies.liveText(key).orElseThrow()).isEqualTo(before);
        assertThat(policies.live(KEY).orElseThrow().annotations()).doesNotContainKey("loopmesh.dev/faults");
    }

    @Test
    void aServiceWhoseMeshRouteAlsoRoutesAnotherServiceIsRefusedAndNothingChanges() {
        assertThat(policies.apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: both}
                spec:
                  parentRefs: [{group: "", kind: Service, name: front, port: 8000}, {group: "", kind: Service, name: back, port: 8000}]
                  rules: [{backendRefs: [{name: back, port: 8000}]}]
                """, "test").applied()).isTrue();

        assertThatThrownBy(() -> faults.inject(FaultRequest.abort(BACK, 503, 100)))
                .hasMessageContaining("which is also the route of front");

        assertThat(faults.active()).isEmpty();
        assertThat(policies.live(KEY).orElseThrow().annotations()).doesNotContainKey("loopmesh.dev/faults");
        assertThat(policies.live("gateway.networking.k8s.io/HTTPRoute/default/both").orElseThrow().annotations())
                .doesNotContainKey("loopmesh.dev/faults");
    }
}

package dev.loopmesh.app.faults;

import dev.loopmesh.app.fixtures.GatewayYaml;
import dev.loopmesh.Mesh;
import dev.loopmesh.MeshOptions;
import dev.loopmesh.app.editor.PolicyService;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Faults on the ingress gateway's edge act at the gateway, through its own routes: a VirtualService only
 * reaches the gateway when bound to it with {@code gateways} (Istio VirtualService.gateways), so a
 * sidecar VirtualService with {@code sourceLabels} would do nothing there.
 */
class GatewayFaultsTest {
    private static final FaultTarget.Edge INGRESS_TO_PRODUCTPAGE =
            new FaultTarget.Edge(Registry.GATEWAY, Registry.GATEWAY, "", "productpage-v1", "productpage");

    private Mesh mesh;
    private PolicyService policies;
    private MeshFaultInjector faults;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        mesh = Mesh.start(new TopologyLoader().builtIn(), MeshOptions.forTests().withTraffic(false), new IstioTranslator());
        policies = new PolicyService(mesh);
        faults = new MeshFaultInjector(policies);
    }

    @AfterEach
    void stop() {
        mesh.close();
    }

    private int get(String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mesh.ingressAddress().getPort() + path))
                .timeout(Duration.ofSeconds(20)).build();
        return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String lastGatewayFlags() {
        var log = mesh.telemetry().accessLog().last(Registry.GATEWAY, 1);
        return log.isEmpty() ? "" : log.get(0).responseFlags();
    }

    @Test
    void anAbortOnTheIngressEdgeAnswersAtTheGatewayUntilRemoved() throws Exception {
        assertThat(get("/productpage")).isEqualTo(200);

        ActiveFault abort = faults.inject(FaultRequest.abort(INGRESS_TO_PRODUCTPAGE, 503, 100));

        assertThat(get("/productpage")).isEqualTo(503);
        assertThat(lastGatewayFlags()).isEqualTo("FI");
        assertThat(policies.live("networking.istio.io/VirtualService/default/" + GatewayFaults.NAME)).isPresent();

        faults.remove(abort.id());

        assertThat(get("/productpage")).isEqualTo(200);
        assertThat(policies.live("networking.istio.io/VirtualService/default/" + GatewayFaults.NAME)).isEmpty();
        assertThat(policies.live("networking.istio.io/Gateway/default/" + GatewayFaults.NAME)).isEmpty();
    }

    @Test
    void aDelayOnTheIngressEdgeIsMarkedDiAtTheGateway() throws Exception {
        faults.inject(FaultRequest.delay(INGRESS_TO_PRODUCTPAGE, 50, 100));

        assertThat(get("/productpage")).isEqualTo(200);
        assertThat(lastGatewayFlags()).isEqualTo("DI");
    }

    @Test
    void aVirtualServiceBoundToTheGatewayGetsTheFaultAndIsPutBackAsItWas() throws Exception {
        String bound = GatewayYaml.ISTIO_BOOKINFO + """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: bookinfo}
                spec:
                  hosts: ["*"]
                  gateways: [bookinfo-gateway]
                  http:
                  - match: [{uri: {prefix: /productpage}}]
                    route: [{destination: {host: productpage, port: {number: 9080}}}]
                """;
        assertThat(policies.apply(bound, "test").applied()).isTrue();
        String before = policies.liveText("networking.istio.io/VirtualService/default/bookinfo").orElseThrow();
        assertThat(get("/productpage")).isEqualTo(200);

        ActiveFault abort = faults.inject(FaultRequest.abort(INGRESS_TO_PRODUCTPAGE, 500, 100));

        assertThat(get("/productpage")).isEqualTo(500);
        assertThat(policies.liveText("networking.istio.io/VirtualService/default/bookinfo").orElseThrow()).contains("fault");
        // the bound VirtualService claims every host, so no resource of our own is needed
        assertThat(policies.live("networking.istio.io/VirtualService/default/" + GatewayFaults.NAME)).isEmpty();

        faults.remove(abort.id());

        assertThat(get("/productpage")).isEqualTo(200);
        assertThat(policies.liveText("networking.istio.io/VirtualService/default/bookinfo").orElseThrow()).isEqualTo(before);
    }

    @Test
    void anEditOfTheBoundVirtualServiceWhileTheFaultIsInForceSurvivesTheFaultsRemoval() throws Exception {
        String bound = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: bookinfo}
                spec:
                  hosts: ["*"]
                  gateways: [bookinfo-gateway]
                  http:
                  - match: [{uri: {prefix: /productpage}}]
                    route: [{destination: {host: productpage, port: {number: 9080}}}]
                """;
        assertThat(policies.apply(GatewayYaml.ISTIO_BOOKINFO + bound, "test").applied()).isTrue();
        ActiveFault abort = faults.inject(FaultRequest.abort(INGRESS_TO_PRODUCTPAGE, 500, 100));
        String withFault = policies.liveText("networking.istio.io/VirtualService/default/bookinfo").orElseThrow();
        assertThat(withFault).contains("abort");

        // the user adds a route in the editor, keeping the fault the text shows
        String edited = withFault.replace("  http:\n", "  http:\n  - match: [{uri: {prefix: /static}}]\n"
                + "    route: [{destination: {host: details, port: {number: 9080}}}]\n");
        assertThat(edited).isNotEqualTo(withFault);
        assertThat(policies.apply(edited, "editor").applied()).isTrue();
        assertThat(get("/productpage")).isEqualTo(500);

        faults.remove(abort.id());

        String after = policies.liveText("networking.istio.io/VirtualService/default/bookinfo").orElseThrow();
        assertThat(after).contains("/static").doesNotContain("abort");
        assertThat(get("/productpage")).isEqualTo(200);
    }

    @Test
    void anHttpRouteServingTheIngressGetsTheFaultInItsAnnotationAndIsPutBackAsItWas() throws Exception {
        // the Gateway API has no fault filter: the fault goes into the route's loopmesh.dev/faults annotation
        String gatewayApi = GatewayYaml.gatewayApi("bookinfo-gateway") + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: bookinfo}
                spec:
                  parentRefs: [{name: bookinfo-gateway}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /productpage}}]
                    backendRefs: [{name: productpage, port: 9080}]
                """;
        assertThat(policies.apply(gatewayApi, "test").applied()).isTrue();
        String key = "gateway.networking.k8s.io/HTTPRoute/default/bookinfo";
        String before = policies.liveText(key).orElseThrow();
        assertThat(get("/productpage")).isEqualTo(200);

        ActiveFault abort = faults.inject(FaultRequest.abort(INGRESS_TO_PRODUCTPAGE, 503, 100));

        assertThat(get("/productpage")).isEqualTo(503);
        assertThat(lastGatewayFlags()).isEqualTo("FI");
        assertThat(policies.live(key).orElseThrow().annotations()).containsKey("loopmesh.dev/faults");
        // the route claims every host, so no resource of our own is needed
        assertThat(policies.live("networking.istio.io/VirtualService/default/" + GatewayFaults.NAME)).isEmpty();

        faults.remove(abort.id());

        assertThat(get("/productpage")).isEqualTo(200);
        assertThat(policies.liveText(key).orElseThrow()).isEqualTo(before);
        assertThat(policies.live(key).orElseThrow().annotations()).doesNotContainKey("loopmesh.dev/faults");
    }

    @Test
    void aLatencyToxicOnTheIngressEdgeActsOnTheGatewaysHopOnly() throws Exception {
        ChaosFaultInjector chaos = new ChaosFaultInjector(mesh.chaos(), faults);
        assertThat(get("/productpage")).isEqualTo(200);

        ActiveFault latency = chaos.inject(new FaultRequest(FaultKind.LATENCY, INGRESS_TO_PRODUCTPAGE, 100, 400, 0, 0));

        long t0 = System.nanoTime();
        assertThat(get("/productpage")).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("the injected 400 ms are a floor").isGreaterThanOrEqualTo(400);
        assertThat(mesh.chaos().active()).singleElement().satisfies(c -> assertThat(c.description()).contains(Registry.GATEWAY));

        chaos.remove(latency.id());
        assertThat(mesh.chaos().active()).isEmpty();
    }

    @Test
    void aServiceTheGatewayDoesNotRouteToIsRefusedWithAReasonAndNothingChanges() {
        FaultTarget.Edge toRatings = new FaultTarget.Edge(Registry.GATEWAY, Registry.GATEWAY, "", "ratings-v1", "ratings");

        assertThatThrownBy(() -> faults.inject(FaultRequest.abort(toRatings, 503, 100)))
                .hasMessageContaining("the ingress gateway has no route to ratings");

        assertThat(faults.active()).isEmpty();
        assertThat(policies.live("networking.istio.io/VirtualService/default/" + GatewayFaults.NAME)).isEmpty();
    }
}

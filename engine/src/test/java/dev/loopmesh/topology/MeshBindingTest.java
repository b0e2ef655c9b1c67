package dev.loopmesh.topology;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MeshBindingTest {
    private final TopologyLoader loader = new TopologyLoader();

    @Test
    void aMinimalServiceGetsTheDocumentedDefaults() {
        MeshSpec mesh = mesh("""
                  services:
                  - name: web
                    port: 8080
                    workloads: [{version: v1, labels: {team: shop}}]
                """);

        ServiceSpec web = mesh.services().get(0);
        WorkloadSpec v1 = web.workloads().get(0);
        assertThat(mesh.namespace()).isEqualTo("default");
        assertThat(web.protocol()).isEqualTo(Protocol.HTTP);
        assertThat(web.namespace()).isEqualTo("default");
        assertThat(v1.replicas()).isEqualTo(1);
        assertThat(v1.serviceAccount()).isEqualTo("default");
        assertThat(v1.sidecar()).isTrue();
        assertThat(v1.external()).isNull();
        assertThat(v1.labels()).containsExactly(java.util.Map.entry("app", "web"), java.util.Map.entry("version", "v1"),
                java.util.Map.entry("team", "shop"));
        assertThat(v1.behavior()).isEqualTo(BehaviorSpec.DEFAULT);
        assertThat(mesh.ingress()).isEqualTo(IngressSpec.NONE);
        assertThat(mesh.traffic()).isEmpty();
    }

    @Test
    void behaviorBindsEveryKey() {
        MeshSpec mesh = mesh("""
                  services:
                  - name: web
                    port: 8080
                    protocol: http2
                    workloads:
                    - version: v1
                      replicas: 3
                      sidecar: false
                      behavior:
                        latency: {min: 5ms, max: 20ms}
                        errorRate: 10%
                        errorStatus: 503
                        responseSize: 2KiB
                        responseHeaders: {x-served-by: web}
                        parallel: true
                        onCallFailure: {fail: 502}
                        calls:
                        - {service: api, namespace: backend, path: /items, method: POST, headers: {x-a: b}, timeout: 1m30s, attempts: 3, propagate: [end-user, x-b]}
                  - {name: api, namespace: backend, port: 9090, workloads: [{version: v1, external: {host: localhost, port: 8000}}]}
                """);

        WorkloadSpec web = mesh.services().get(0).workloads().get(0);
        BehaviorSpec b = web.behavior();
        assertThat(mesh.services().get(0).protocol()).isEqualTo(Protocol.HTTP2);
        assertThat(web.replicas()).isEqualTo(3);
        assertThat(web.sidecar()).isFalse();
        assertThat(b.latency()).isEqualTo(new LatencySpec.Uniform(Duration.ofMillis(5), Duration.ofMillis(20)));
        assertThat(b.errorRate()).isEqualTo(0.1);
        assertThat(b.errorStatus()).isEqualTo(503);
        assertThat(b.responseBytes()).isEqualTo(2048);
        assertThat(b.responseHeaders()).containsEntry("x-served-by", "web");
        assertThat(b.parallel()).isTrue();
        assertThat(b.failOnCallError()).isTrue();
        assertThat(b.callErrorStatus()).isEqualTo(502);
        CallSpec call = b.calls().get(0);
        assertThat(call.service()).isEqualTo("api");
        assertThat(call.namespace()).isEqualTo("backend");
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.headers()).containsEntry("x-a", "b");
        assertThat(call.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(call.attempts()).isEqualTo(3);
        assertThat(call.propagate()).containsExactly("end-user", "x-b");
        assertThat(call.position().line()).isEqualTo(22);
        assertThat(mesh.services().get(1).workloads().get(0).external()).isEqualTo(new ExternalSpec("localhost", 8000));
    }

    @Test
    void latencyIsAFixedValueOrAUniformOrALogNormalDistribution() {
        assertThat(latency("20ms")).isEqualTo(new LatencySpec.Fixed(Duration.ofMillis(20)));
        assertThat(latency("{fixed: 1s}")).isEqualTo(new LatencySpec.Fixed(Duration.ofSeconds(1)));
        assertThat(latency("{p50: 15ms, p99: 60ms}")).isEqualTo(new LatencySpec.LogNormal(Duration.ofMillis(15), Duration.ofMillis(60)));
        assertThat(errors(behavior("latency: {fixed: 1s, p50: 2ms}"))).containsExactly(
                "m.yaml:11:18: error LM0219: latency: mixes distributions (expected: one of {fixed: 20ms}, {min: 5ms, max: 20ms} or {p50: 15ms, p99: 60ms}) (at spec.services[0].workloads[0].behavior.latency)");
        assertThat(errors(behavior("latency: {p50: 15ms}"))).singleElement().asString()
                .contains("error LM0201: missing required key `p99` in latency");
    }

    @Test
    void onCallFailureIsDegradeOrFail() {
        assertThat(bound(behavior("onCallFailure: degrade")).failOnCallError()).isFalse();
        assertThat(bound(behavior("onCallFailure: fail")).callErrorStatus()).isEqualTo(500);
        assertThat(errors(behavior("onCallFailure: degrad"))).singleElement().asString()
                .contains("LM0217: onCallFailure: `degrad` is not a choice (expected: degrade, fail, or {fail: <status>}) — did you mean `degrade`?");
    }

    @Test
    void ratesPathsAndHeaderMixesTakeEveryDocumentedForm() {
        MeshSpec mesh = mesh("""
                  services:
                  - {name: web, port: 8080, workloads: [{version: v1}]}
                  - {name: api, namespace: backend, port: 8080, workloads: [{version: v1}]}
                  traffic:
                  - {name: a, target: web, rate: 20}
                  - {name: b, target: web, rate: 1200/m, paths: [/x, /y]}
                  - {name: c, target: api.backend, rate: 0.5/s, paths: [{path: /x, weight: 3}, {path: /y}]}
                  - name: d
                    target: web
                    rate: 1/s
                    method: DELETE
                    headers:
                      end-user: {jason: 20%, "": 80%}
                      x-fixed: yes
                """);

        List<TrafficClientSpec> t = mesh.traffic();
        assertThat(t).extracting(TrafficClientSpec::ratePerSecond).containsExactly(20.0, 20.0, 0.5, 1.0);
        assertThat(t.get(0).paths()).containsExactly(new TrafficClientSpec.Weighted("/", 1));
        assertThat(t.get(1).paths()).extracting(TrafficClientSpec.Weighted::value).containsExactly("/x", "/y");
        assertThat(t.get(2).paths()).containsExactly(new TrafficClientSpec.Weighted("/x", 3), new TrafficClientSpec.Weighted("/y", 1));
        assertThat(t.get(3).method()).isEqualTo("DELETE");
        assertThat(t.get(3).headers().get("end-user")).containsExactly(
                new TrafficClientSpec.Weighted("jason", 0.2), new TrafficClientSpec.Weighted("", 0.8));
        assertThat(t.get(3).headers().get("x-fixed")).containsExactly(new TrafficClientSpec.Weighted("yes", 1));
    }

    @Test
    void oneDocumentWithManyMistakesReportsEveryOneOfThem() {
        List<String> errors = errors("""
                  namespace: Default
                  services:
                  - name: web
                    port: http
                    protocol: udp
                    workloads:
                    - version: v1
                      replicas: -1
                      labels: {app: other}
                      behavior:
                        errorStatus: 700
                        responseSize: huge
                        calls:
                        - {service: web, method: get}
                  ingress:
                    routes: [{prefix: api, service: web}]
                  traffic:
                  - {name: t, target: web, rate: 0, path: /, paths: [/a]}
                """);

        assertThat(errors).extracting(s -> s.substring(s.indexOf("LM"), s.indexOf("LM") + 6)).containsExactly(
                "LM0206", "LM0202", "LM0217", "LM0204", "LM0204", "LM0204", "LM0218", "LM0211", "LM0217", "LM0204", "LM0212", "LM0217");
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("method: `get` is not an HTTP method").endsWith("— did you mean `GET`? (at spec.services[0].workloads[0].behavior.calls[0].method)"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("call cycle: web → web"));
    }

    @Test
    void aMisspelledRequiredKeyIsOneErrorNotTwo() {
        assertThat(errors("""
                  services:
                  - {name: web, prot: 8080, workloads: [{version: v1}]}
                """)).singleElement().asString()
                .contains("LM0203: unknown key `prot`").endsWith("— did you mean `port`? (at spec.services[0].prot)");
    }

    @Test
    void aServiceWithoutPodsAndAShadowedRouteAreWarnings() {
        Topology topology = loader.loadString("m.yaml", header() + """
                  services:
                  - {name: web, port: 8080, workloads: [{version: v1, replicas: 0}]}
                  ingress:
                    routes: [{prefix: /, service: web}, {prefix: /api, service: web}]
                """);

        assertThat(topology.warnings()).extracting(Problem::toString).containsExactly(
                "m.yaml:6:5: warning LM0220: service `web` has no pods (0 replicas): calls to it fail with 503 (at spec.services[0])",
                "m.yaml:8:50: warning LM0221: route `/api` never matches: the earlier route `/` matches first (routes match in order; put longer prefixes first) (at spec.ingress.routes[1].prefix)");
    }

    private static String header() {
        return "apiVersion: loopmesh.dev/v1\nkind: Mesh\nmetadata: {name: m}\nspec:\n";
    }

    private static String behavior(String line) {
        return """
                  services:
                  - name: web
                    port: 8080
                    workloads:
                    - version: v1
                      behavior:
                        %s
                """.formatted(line);
    }

    private LatencySpec latency(String value) {
        return bound(behavior("latency: " + value)).latency();
    }

    private BehaviorSpec bound(String spec) {
        return mesh(spec).services().get(0).workloads().get(0).behavior();
    }

    private MeshSpec mesh(String spec) {
        return loader.loadString("m.yaml", header() + spec).mesh();
    }

    private List<String> errors(String spec) {
        TopologyException e = catchThrowableOfType(TopologyException.class, () -> loader.loadString("m.yaml", header() + spec));
        assertThat(e).as("expected a TopologyException").isNotNull();
        return e.problems().stream().filter(p -> p.severity() == Severity.ERROR).map(Problem::toString).toList();
    }
}

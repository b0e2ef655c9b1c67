package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.RegistryPlanner;
import dev.loopmesh.policy.routing.RequestView;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.policy.routing.RoutingDecision.Outcome;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.loopmesh.controlplane.istio.Requests.get;
import static dev.loopmesh.fixtures.IstioYaml.SHOP_GATEWAY;
import static dev.loopmesh.fixtures.IstioYaml.SHOP_HOST;
import static dev.loopmesh.fixtures.IstioYaml.SHOP_RATINGS;
import static dev.loopmesh.fixtures.IstioYaml.destinationRule;
import static dev.loopmesh.fixtures.IstioYaml.docs;
import static dev.loopmesh.fixtures.IstioYaml.reviews;
import static dev.loopmesh.fixtures.IstioYaml.virtualService;
import static dev.loopmesh.fixtures.IstioYaml.virtualServiceSpec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several VirtualServices for one host, and delegation depth, as istiod and istioctl analyze treat them:
 * sidecars keep the first VirtualService in istiod's order (IST0109 reports the conflict), gateways merge
 * them and move catch-all routes last (SortVHostRoutes), and a delegate cannot delegate again.
 */
class VirtualServiceMergeTest {
    /** reviews v1/v2 in default, a client in default and one in namespace ops. */
    static final String MESH = """
            apiVersion: loopmesh.dev/v1
            kind: Mesh
            metadata: {name: merge}
            spec:
              services:
              - {name: web, port: 8080, workloads: [{version: v1}]}
              - {name: reviews, port: 9080, workloads: [{version: v1}, {version: v2}]}
              - {name: ratings, port: 9080, workloads: [{version: v1}]}
              - {name: tools, namespace: ops, port: 8080, workloads: [{version: v1}]}
            ---
            """ + destinationRule("reviews", "subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]\n");

    /** A VirtualService for reviews' FQDN to one subset, after a separator; {@code exportTo} may be empty. */
    private static String vs(String name, String exportTo, String subset) {
        return "---\n" + virtualServiceSpec(name, "hosts: [reviews.default.svc.cluster.local]\n" + exportTo,
                "- route: [{destination: {host: reviews.default.svc.cluster.local, subset: " + subset + "}}]\n");
    }

    private record Loaded(Registry registry, List<MeshResource> resources) {
        Map<String, ProxySnapshot> snapshots() {
            return new IstioTranslator().translate(registry, resources, 1);
        }

        RoutingDecision route(String proxy, RequestView req) {
            return snapshots().get(proxy).routes().route(req, new SplittableRandom(3));
        }

        List<Problem> analyze() {
            return new IstioTranslator().analyze(registry, resources);
        }
    }

    private static Loaded load(String yaml) {
        Topology t = new TopologyLoader().loadString("merge.yaml", yaml);
        return new Loaded(RegistryPlanner.perPodAddresses(t.mesh(), 1), t.resources());
    }

    @Test
    void sidecarsKeepTheOldestVirtualServiceForAHostAndAnalyzeReportsBothAsIst0109() {
        // istiod drops a duplicate virtual host ("duplicate domain from virtual service"); istioctl analyze IST0109 is an Error
        Loaded l = load(MESH + vs("reviews-a", "", "v1") + vs("reviews-b", "", "v2"));
        RoutingDecision d = l.route("web-v1-0", get("reviews:9080", "/"));
        assertThat(d.subset()).isEqualTo("v1");
        assertThat(d.virtualService()).isEqualTo("default/reviews-a");
        assertThat(l.snapshots().get("web-v1-0").resources()).contains("VirtualService default/reviews-a")
                .doesNotContain("VirtualService default/reviews-b");
        List<Problem> conflicts = l.analyze().stream().filter(p -> p.code().equals(IstioCodes.HOST_CONFLICT)).toList();
        assertThat(conflicts).hasSize(2).allSatisfy(p -> {
            assertThat(p.severity()).isEqualTo(Severity.ERROR);
            assertThat(p.message()).startsWith("the VirtualServices default/reviews-a, default/reviews-b bound to the mesh gateway "
                    + "define the same host reviews.default.svc.cluster.local, which Istio leaves undefined (IST0109): sidecars use only "
                    + "default/reviews-a");
        });
        assertThat(conflicts.get(1).message()).contains("and ignore this one for that host");
        assertThat(conflicts.get(1).position().line()).isEqualTo(conflicts.get(0).position().line() + 8);
    }

    @Test
    void aVirtualServicePrivateToTheCallersNamespaceGoesBeforeAnOlderPublicOne() {
        // istiod's SelectVirtualServices: private to the namespace, then exported to it, then public
        Loaded l = load(MESH + vs("everyone", "", "v1") + vs("local", "exportTo: [.]\n", "v2"));
        assertThat(l.route("web-v1-0", get("reviews:9080", "/")).virtualService()).isEqualTo("default/local");
        assertThat(l.route("tools-v1-0", get("reviews.default:9080", "/")).virtualService()).isEqualTo("default/everyone");
        // seen together in default only: one IST0109 pair, scoped to default
        List<Problem> conflicts = l.analyze().stream().filter(p -> p.code().equals(IstioCodes.HOST_CONFLICT)).toList();
        assertThat(conflicts).hasSize(2).allSatisfy(p -> assertThat(p.message())
                .contains("default/local, default/everyone", "for namespace default", "sidecars use only default/local"));
    }

    @Test
    void virtualServicesScopedApartWithExportToDoNotConflict() {
        // IST0109's resolution: "Scope the resource to a specific namespace by setting the exportTo field"
        Loaded l = load(MESH + vs("for-default", "exportTo: [.]\n", "v1")
                + vs("for-ops", "exportTo: [ops]\n", "v2"));
        assertThat(l.analyze()).noneMatch(p -> p.code().equals(IstioCodes.HOST_CONFLICT));
        assertThat(l.route("web-v1-0", get("reviews:9080", "/")).subset()).isEqualTo("v1");
        assertThat(l.route("tools-v1-0", get("reviews.default:9080", "/")).subset()).isEqualTo("v2");
    }

    @Test
    void aPlainVirtualServiceGoesBeforeAnOlderRootOfADelegation() {
        // istiod's mergeVirtualServicesIfNeeded appends the merged delegation roots after the plain VirtualServices
        Loaded l = load(docs(MESH, virtualService("root", "reviews", "- delegate: {name: leaf}\n"),
                virtualServiceSpec("leaf", "", "- route: [{destination: {host: reviews, subset: v2}}]\n")) + vs("plain", "", "v1"));
        assertThat(l.route("web-v1-0", get("reviews:9080", "/")).virtualService()).isEqualTo("default/plain");
    }

    @Test
    void aGatewayMergesVirtualServicesForOneHostAndMovesCatchAllsLast() {
        // Istio: "merge such virtual services if they are bound to a gateway"; istiod's SortVHostRoutes puts catch-alls last
        Loaded l = load(docs(MESH, SHOP_GATEWAY, virtualServiceSpec("shop-web", SHOP_HOST, """
                - match: [{uri: {prefix: /reviews}}, {uri: {prefix: /}}, {uri: {prefix: /never}}]
                  route: [{destination: {host: reviews, subset: v1}}]
                - match: [{uri: {prefix: /unreachable}}]
                  route: [{destination: {host: ratings}}]
                """), SHOP_RATINGS, virtualServiceSpec("private-elsewhere", SHOP_HOST + "exportTo: [.]\n", """
                - match: [{uri: {prefix: /private}}]
                  route: [{destination: {host: ratings}}]
                """)));
        RoutingDecision ratings = l.route(Registry.GATEWAY, get("shop.example.com", "/ratings/0"));
        assertThat(ratings.virtualService()).isEqualTo("default/shop-ratings");
        assertThat(ratings.destinationHost()).isEqualTo("ratings.default.svc.cluster.local");
        assertThat(l.route(Registry.GATEWAY, get("shop.example.com", "/reviews/0")).subset()).isEqualTo("v1");
        RoutingDecision other = l.route(Registry.GATEWAY, get("shop.example.com", "/unreachable"));
        assertThat(other.virtualService()).isEqualTo("default/shop-web");
        assertThat(other.subset()).isEqualTo("v1"); // the rule after shop-web's catch-all was dropped
        // exportTo [.] in default: not visible to the gateway in istio-system
        assertThat(l.route(Registry.GATEWAY, get("shop.example.com", "/private")).virtualService()).isEqualTo("default/shop-web");
        // gateways merge: no IST0109 for them
        assertThat(l.analyze()).noneMatch(p -> p.code().equals(IstioCodes.HOST_CONFLICT));
    }

    @Test
    void aDelegateThatDelegatesAgainIsRejectedAsIstioValidatesIt() {
        // Istio VirtualService.http.delegate: "Only one level delegation is supported"; validation: "delegate HTTP route cannot contain delegate"
        Loaded l = load(MESH);
        List<Problem> problems = new IstioTranslator().validate(TestYaml.resources(virtualServiceSpec("middle", "", """
                - match: [{uri: {prefix: /api}}]
                  delegate: {name: leaf}
                """)).get(0), l.registry());
        assertThat(problems).extracting(Problem::toString).containsExactly(
                "test.yaml:7:15: error LM0316: a delegate VirtualService (one without hosts) cannot delegate again: Istio supports "
                        + "one level of delegation (expected: route, redirect or directResponse here, or hosts to make this a root "
                        + "VirtualService) (at spec.http[0].delegate)");
    }

    @Test
    void aRootRuleWithARouteBesideItsDelegateIsRejected() {
        // Istio validation: "root HTTP route … must not specify route"
        Loaded l = load(MESH);
        List<Problem> problems = new IstioTranslator().validate(TestYaml.resources(virtualService("root", "reviews", """
                - delegate: {name: leaf}
                  route: [{destination: {host: reviews}}]
                """)).get(0), l.registry());
        assertThat(problems).extracting(Problem::severity).containsOnly(Severity.ERROR);
        assertThat(problems).extracting(Problem::message).contains("an http rule has only one of route, redirect, directResponse or delegate");
    }

    @Test
    void onASidecarRulesAfterACatchAllAreDroppedAsIstiodDoes() {
        Loaded l = load(docs(MESH, reviews("""
                - match: [{uri: {prefix: /}}]
                  route: [{destination: {host: reviews, subset: v1}}]
                - route: [{destination: {host: reviews, subset: v2}}]
                """)));
        var host = ((IstioRouteTable) l.snapshots().get("web-v1-0").routes()).find("reviews:9080", 9080);
        assertThat(host.rules()).hasSize(1);
        assertThat(l.route("web-v1-0", get("reviews:9080", "/x")).outcome()).isEqualTo(Outcome.ROUTE);
    }
}

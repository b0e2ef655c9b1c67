package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.fixtures.IstioYaml;
import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.policy.routing.RequestView;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.policy.routing.RoutingDecision.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static dev.loopmesh.controlplane.istio.Requests.get;
import static dev.loopmesh.controlplane.istio.Translation.SUBSETS;
import static dev.loopmesh.controlplane.istio.Translation.fromProductpage;
import static dev.loopmesh.controlplane.istio.Translation.translate;
import static dev.loopmesh.fixtures.IstioYaml.docs;
import static dev.loopmesh.fixtures.IstioYaml.gateway;
import static dev.loopmesh.fixtures.IstioYaml.ratings;
import static dev.loopmesh.fixtures.IstioYaml.reviews;
import static dev.loopmesh.fixtures.IstioYaml.virtualService;
import static dev.loopmesh.fixtures.IstioYaml.virtualServiceSpec;
import static org.assertj.core.api.Assertions.assertThat;

class RoutingSemanticsTest {
    @Test
    void firstMatchingRuleWins() {
        // Istio VirtualService: "the first rule matching an incoming request is used"
        String yaml = SUBSETS + reviews("""
                - name: jason
                  match: [{headers: {end-user: {exact: jason}}}]
                  route: [{destination: {host: reviews, subset: v2}}]
                - match: [{uri: {prefix: /reviews}}]
                  route: [{destination: {host: reviews, subset: v3}}]
                - route: [{destination: {host: reviews, subset: v1}}]
                """);
        RoutingDecision jason = fromProductpage(yaml, get("reviews:9080", "/reviews/0", "end-user", "jason"));
        assertThat(jason.outcome()).isEqualTo(Outcome.ROUTE);
        assertThat(jason.ruleIndex()).isZero();
        assertThat(jason.routeName()).isEqualTo("jason");
        assertThat(jason.subset()).isEqualTo("v2");
        assertThat(jason.cluster()).isEqualTo("outbound|9080|v2|reviews.default.svc.cluster.local");
        assertThat(jason.virtualService()).isEqualTo("default/reviews");
        assertThat(jason.trace()).containsExactly(
                "VirtualService default/reviews rule 0 (name \"jason\"): header end-user exact \"jason\" matched → reviews subset v2 (weight 100)");

        RoutingDecision anon = fromProductpage(yaml, get("reviews:9080", "/reviews/0"));
        assertThat(anon.ruleIndex()).isEqualTo(1);
        assertThat(anon.subset()).isEqualTo("v3");
        assertThat(anon.trace().get(0)).isEqualTo("VirtualService default/reviews rule 0 (name \"jason\") did not match: header end-user absent");

        RoutingDecision other = fromProductpage(yaml, get("reviews:9080", "/health"));
        assertThat(other.ruleIndex()).isEqualTo(2);
        assertThat(other.subset()).isEqualTo("v1");
    }

    @Test
    void conditionsInABlockAreAndedAndBlocksAreOred() {
        // Istio HTTPMatchRequest: "All conditions inside a single match block have AND semantics, while the list of match blocks have OR semantics"
        String yaml = SUBSETS + reviews("""
                - match:
                  - {uri: {prefix: /api}, method: {exact: POST}}
                  - {headers: {x-canary: {exact: "1"}}}
                  route: [{destination: {host: reviews, subset: v2}}]
                - route: [{destination: {host: reviews, subset: v1}}]
                """);
        assertThat(fromProductpage(yaml, Requests.request("POST", "reviews", "/api/x")).subset()).isEqualTo("v2");
        assertThat(fromProductpage(yaml, Requests.request("GET", "reviews", "/api/x")).subset()).isEqualTo("v1");
        assertThat(fromProductpage(yaml, Requests.request("GET", "reviews", "/other", "x-canary", "1")).subset()).isEqualTo("v2");
        RoutingDecision miss = fromProductpage(yaml, Requests.request("GET", "reviews", "/api/x"));
        assertThat(miss.trace()).hasSize(3);
        assertThat(miss.trace().get(0)).contains("match 0 did not match: method exact \"POST\" did not match GET");
    }

    @Test
    void everyMatchKind() {
        // Istio HTTPMatchRequest: uri, scheme, method, authority, headers, queryParams, port with exact, prefix and regex (RE2, whole value)
        String yaml = SUBSETS + reviews("""
                - name: exact-uri
                  match: [{uri: {exact: /exact}}]
                  route: [{destination: {host: reviews, subset: v2}}]
                - name: regex-uri
                  match: [{uri: {regex: "/r/[0-9]+"}}]
                  route: [{destination: {host: reviews, subset: v2}}]
                - name: ignore-case
                  match: [{uri: {prefix: /CaSe}, ignoreUriCase: true}]
                  route: [{destination: {host: reviews, subset: v2}}]
                - name: scheme
                  match: [{scheme: {exact: https}}]
                  route: [{destination: {host: reviews, subset: v2}}]
                - name: authority
                  match: [{authority: {prefix: "reviews.default"}}]
                  route: [{destination: {host: reviews, subset: v2}}]
                - name: header-regex
                  match: [{headers: {x-user: {regex: "a.c"}}}]
                  route: [{destination: {host: reviews, subset: v2}}]
                - name: header-present
                  match: [{headers: {x-flag: {}}}]
                  route: [{destination: {host: reviews, subset: v2}}]
                - name: query
                  match: [{queryParams: {debug: {exact: "true"}}}]
                  route: [{destination: {host: reviews, subset: v2}}]
                - name: without
                  match: [{withoutHeaders: {x-old: {exact: "yes"}}}]
                  route: [{destination: {host: reviews, subset: v3}}]
                - route: [{destination: {host: reviews, subset: v1}}]
                """);
        assertThat(fromProductpage(yaml, get("reviews", "/exact")).routeName()).isEqualTo("exact-uri");
        assertThat(fromProductpage(yaml, get("reviews", "/exact/more", "x-old", "yes")).subset()).isEqualTo("v1");
        assertThat(fromProductpage(yaml, get("reviews", "/r/123")).routeName()).isEqualTo("regex-uri");
        // RE2 matches the whole path, which Envoy matches without its query string
        assertThat(fromProductpage(yaml, get("reviews", "/r/123?x=1")).routeName()).isEqualTo("regex-uri");
        assertThat(fromProductpage(yaml, get("reviews", "/r/123x", "x-old", "yes")).routeName()).isEmpty();
        assertThat(fromProductpage(yaml, get("reviews", "/case/x")).routeName()).isEqualTo("ignore-case");
        RequestView https = new RequestView("GET", "https", "reviews", "/", 9080, Map.of(), "127.1.0.1");
        assertThat(fromProductpage(yaml, https).routeName()).isEqualTo("scheme");
        assertThat(fromProductpage(yaml, get("reviews.default:9080", "/")).routeName()).isEqualTo("authority");
        assertThat(fromProductpage(yaml, get("reviews", "/", "x-user", "abc")).routeName()).isEqualTo("header-regex");
        assertThat(fromProductpage(yaml, get("reviews", "/", "x-user", "abcd", "x-old", "yes")).subset()).isEqualTo("v1");
        assertThat(fromProductpage(yaml, get("reviews", "/", "x-flag", "")).routeName()).isEqualTo("header-present");
        assertThat(fromProductpage(yaml, get("reviews", "/p?a=1&debug=true")).routeName()).isEqualTo("query");
        // Envoy's invert_match: withoutHeaders matches a present header with another value…
        assertThat(fromProductpage(yaml, get("reviews", "/", "x-old", "no")).routeName()).isEqualTo("without");
        // …but not an absent one (istio/istio#50988: the header must be present)
        RoutingDecision absent = fromProductpage(yaml, get("reviews", "/"));
        assertThat(absent.subset()).isEqualTo("v1");
        assertThat(absent.trace()).anyMatch(t -> t.contains("rule 8 (name \"without\") did not match: header x-old absent"));
    }

    @Test
    void portMatchComparesTheAddressedPort() {
        // Istio HTTPMatchRequest.port: "Specifies the ports on the host that is being addressed"
        String yaml = SUBSETS + reviews("""
                - match: [{port: 9080}]
                  route: [{destination: {host: reviews, subset: v2}}]
                - route: [{destination: {host: reviews, subset: v1}}]
                """);
        assertThat(fromProductpage(yaml, get("reviews:9080", "/")).subset()).isEqualTo("v2");
    }

    @Test
    void aFiftyFiftySplitPutsFortyToSixtyOfAHundredOnEachSide() {
        // Istio HTTPRouteDestination.weight: "A destination will receive weight/(sum of all weights) requests"
        String yaml = SUBSETS + reviews("""
                - route:
                  - {destination: {host: reviews, subset: v1}, weight: 50}
                  - {destination: {host: reviews, subset: v3}, weight: 50}
                """);
        ProxySnapshot snap = translate(yaml).get("productpage-v1-0");
        RandomGenerator random = new SplittableRandom(42);
        int v3 = 0;
        for (int i = 0; i < 100; i++) {
            if (snap.routes().route(get("reviews:9080", "/"), random).subset().equals("v3")) {
                v3++;
            }
        }
        assertThat(v3).isBetween(40, 60);
    }

    @Test
    void aSingleDestinationTakesAllTrafficWhateverItsWeight() {
        // Istio HTTPRouteDestination.weight: "If there is only one destination in a rule, it will receive all traffic"
        String yaml = SUBSETS + reviews("""
                - route: [{destination: {host: reviews, subset: v2}, weight: 10}]
                """);
        RoutingDecision d = fromProductpage(yaml, get("reviews", "/"));
        assertThat(d.subset()).isEqualTo("v2");
        assertThat(d.trace().get(0)).endsWith("(weight 100)");
    }

    @Test
    void subsetClustersHoldThePodsWhoseLabelsIncludeTheSubsetLabels() {
        // Istio DestinationRule Subset.labels: "Labels apply a filter over the endpoints of a service"
        Map<String, ProxySnapshot> snaps = translate(IstioYaml.REVIEWS_SUBSETS);
        var clusters = snaps.get("productpage-v1-0").clusters();
        assertThat(clusters.get("outbound|9080|v2|reviews.default.svc.cluster.local").endpoints())
                .extracting(e -> e.pod()).containsExactly("reviews-v2-0");
        assertThat(clusters.get("outbound|9080||reviews.default.svc.cluster.local").endpoints())
                .extracting(e -> e.pod()).containsExactly("reviews-v1-0", "reviews-v2-0", "reviews-v3-0");
        var e = clusters.get("outbound|9080|v2|reviews.default.svc.cluster.local").endpoints().get(0);
        assertThat(e.port()).isEqualTo(15006);
        assertThat(e.sidecar()).isTrue();
        assertThat(e.serviceAccount()).isEqualTo("bookinfo-reviews");
    }

    @Test
    void aServiceWithoutVirtualServiceGetsADefaultRouteOverAllItsPods() {
        // Istio traffic management: "by default, the Envoy proxies distribute traffic across each service's load balancing pool"
        RoutingDecision d = fromProductpage("", get("ratings:9080", "/ratings/0"));
        assertThat(d.outcome()).isEqualTo(Outcome.ROUTE);
        assertThat(d.cluster()).isEqualTo("outbound|9080||ratings.default.svc.cluster.local");
        assertThat(d.routeName()).isEqualTo("default");
        assertThat(d.ruleIndex()).isEqualTo(-1);
        assertThat(d.retry()).isEqualTo(RetryPolicy.ISTIO_DEFAULT);
        assertThat(d.timeout()).isNull();
    }

    @Test
    void everyServiceNameFormReachesTheService() {
        // Kubernetes DNS as Envoy's virtual host domains: name, name.ns, name.ns.svc, FQDN, each with or without port
        for (String a : new String[] {"reviews", "reviews:9080", "reviews.default", "reviews.default:9080", "reviews.default.svc",
                "reviews.default.svc:9080", "reviews.default.svc.cluster.local", "REVIEWS.default.svc.cluster.local:9080"}) {
            assertThat(fromProductpage("", get(a, "/")).destinationHost()).as(a).isEqualTo("reviews.default.svc.cluster.local");
        }
        assertThat(fromProductpage("", get("reviews:8080", "/")).outcome()).isEqualTo(Outcome.PASSTHROUGH);
    }

    @Test
    void aRuleThatMatchesNothingGives404NoRoute() {
        // Envoy router: no route matched → 404 with response flag NR
        String yaml = SUBSETS + reviews("""
                - match: [{uri: {prefix: /v2}}]
                  route: [{destination: {host: reviews, subset: v2}}]
                """);
        RoutingDecision d = fromProductpage(yaml, get("reviews", "/v1"));
        assertThat(d.outcome()).isEqualTo(Outcome.NO_ROUTE);
        assertThat(d.status()).isEqualTo(404);
        assertThat(d.trace()).last().asString().contains("no rule matched → 404 NR");
    }

    @Test
    void unknownHostsPassThroughUnderAllowAnyAndAreBlackholedUnderRegistryOnly() {
        // Istio MeshConfig.OutboundTrafficPolicy: ALLOW_ANY lets unknown hosts through, REGISTRY_ONLY blocks them (502, BlackHoleCluster)
        RoutingDecision allow = fromProductpage("", get("example.org:80", "/"));
        assertThat(allow.outcome()).isEqualTo(Outcome.PASSTHROUGH);
        assertThat(allow.cluster()).isEqualTo("PassthroughCluster");
        assertThat(allow.destinationHost()).isEqualTo("example.org");
        String registryOnly = """
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: default, namespace: istio-system}
                spec:
                  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
                """;
        RoutingDecision block = fromProductpage(registryOnly, get("example.org:80", "/"));
        assertThat(block.outcome()).isEqualTo(Outcome.BLACKHOLE);
        assertThat(block.status()).isEqualTo(502);
        assertThat(block.cluster()).isEqualTo("BlackHoleCluster");
        assertThat(fromProductpage(registryOnly, get("reviews", "/")).outcome()).isEqualTo(Outcome.ROUTE);
        assertThat(translate(registryOnly).get("productpage-v1-0").resources()).contains("Sidecar istio-system/default");
    }

    @Test
    void aServiceEntryMakesAnExternalHostKnown() {
        // Istio ServiceEntry: "adding additional entries into Istio's internal service registry"
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: api}
                spec:
                  hosts: [api.example.com]
                  ports: [{number: 8080, name: http, protocol: HTTP}]
                  resolution: STATIC
                  endpoints: [{address: 127.0.0.9}, {address: 127.0.0.10, ports: {http: 9999}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: default, namespace: default}
                spec:
                  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
                """;
        Map<String, ProxySnapshot> snaps = translate(yaml);
        RoutingDecision d = snaps.get("productpage-v1-0").routes().route(get("api.example.com:8080", "/"), new SplittableRandom(1));
        assertThat(d.outcome()).isEqualTo(Outcome.ROUTE);
        assertThat(d.cluster()).isEqualTo("outbound|8080||api.example.com");
        var cluster = snaps.get("productpage-v1-0").clusters().get(d.cluster());
        assertThat(cluster.endpoints()).extracting(e -> e.hostPort()).containsExactly("127.0.0.9:8080", "127.0.0.10:9999");
        String dns = yaml.replace("resolution: STATIC", "resolution: DNS").replace("endpoints: [{address: 127.0.0.9}, {address: 127.0.0.10, ports: {http: 9999}}]", "");
        var dnsCluster = translate(dns).get("productpage-v1-0").clusters().get("outbound|8080||api.example.com");
        assertThat(dnsCluster.endpoints()).extracting(e -> e.hostPort()).containsExactly("api.example.com:8080");
    }

    @Test
    void sourceLabelsAreEvaluatedPerProxyAtTranslationTime() {
        // Istio HTTPMatchRequest.sourceLabels: "One or more labels that constrain the applicability of a rule to source (client) workloads"
        String yaml = SUBSETS + virtualService("ratings", "reviews", """
                - match: [{sourceLabels: {app: productpage}}]
                  route: [{destination: {host: reviews, subset: v3}}]
                - route: [{destination: {host: reviews, subset: v1}}]
                """);
        Map<String, ProxySnapshot> snaps = translate(yaml);
        assertThat(snaps.get("productpage-v1-0").routes().route(get("reviews", "/"), new SplittableRandom(1)).subset()).isEqualTo("v3");
        RoutingDecision fromRatings = snaps.get("ratings-v1-0").routes().route(get("reviews", "/"), new SplittableRandom(1));
        assertThat(fromRatings.subset()).isEqualTo("v1");
        assertThat(fromRatings.ruleIndex()).isEqualTo(1);
        assertThat(fromRatings.trace()).hasSize(1); // rule 0 is not in this proxy's table at all
    }

    @Test
    void gatewayVirtualServicesApplyToTheGatewayOnlyAndIngressRoutesAreTheFallback() {
        // Istio VirtualService.gateways: "The reserved word mesh is used to imply all the sidecars in the mesh. If this field is omitted, the default gateway (mesh) will be used"
        String yaml = SUBSETS + docs(gateway("bookinfo-gateway", "bookinfo.example.com"), virtualServiceSpec("bookinfo", """
                hosts: ["*"]
                gateways: [bookinfo-gateway]
                """, """
                - match: [{uri: {prefix: /api}}]
                  route: [{destination: {host: reviews, subset: v2}}]
                """));
        Map<String, ProxySnapshot> snaps = translate(yaml);
        ProxySnapshot gw = snaps.get(Registry.GATEWAY);
        RoutingDecision api = gw.routes().route(get("bookinfo.example.com", "/api/x"), new SplittableRandom(1));
        assertThat(api.subset()).isEqualTo("v2");
        assertThat(api.virtualService()).isEqualTo("default/bookinfo");
        assertThat(gw.routes().route(get("bookinfo.example.com", "/other"), new SplittableRandom(1)).outcome())
                .isEqualTo(Outcome.NO_ROUTE);
        RoutingDecision builtIn = gw.routes().route(get("localhost:8080", "/productpage"), new SplittableRandom(1));
        assertThat(builtIn.routeName()).isEqualTo("ingress");
        assertThat(builtIn.cluster()).isEqualTo("outbound|9080||productpage.default.svc.cluster.local");
        assertThat(gw.resources()).contains("Gateway default/bookinfo-gateway", "VirtualService default/bookinfo");
        assertThat(snaps.get("productpage-v1-0").resources()).doesNotContain("VirtualService default/bookinfo");
    }

    @Test
    void aFaultRuleGetsNoRetriesAndNoTimeout() {
        // Istio HTTPRoute.fault: "timeouts or retries will not be enabled when faults are enabled on the client side"
        String yaml = ratings("""
                - match: [{headers: {end-user: {exact: jason}}}]
                  fault: {abort: {httpStatus: 500, percentage: {value: 100}}}
                  timeout: 3s
                  retries: {attempts: 3}
                  route: [{destination: {host: ratings}}]
                - timeout: 2s
                  route: [{destination: {host: ratings}}]
                """);
        RoutingDecision f = fromProductpage(yaml, get("ratings", "/", "end-user", "jason"));
        assertThat(f.fault().abortStatus()).isEqualTo(500);
        assertThat(f.fault().abortPercent()).isEqualTo(100);
        assertThat(f.retry()).isEqualTo(RetryPolicy.NONE);
        assertThat(f.timeout()).isNull();
        RoutingDecision plain = fromProductpage(yaml, get("ratings", "/"));
        assertThat(plain.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(plain.retry()).isEqualTo(RetryPolicy.ISTIO_DEFAULT);
    }

    @Test
    void retriesDefaultToTheMeshPolicyAndAttemptsZeroDisablesThem() {
        // Istio HTTPRetry: the default is 2 retries on connect-failure,refused-stream,unavailable,cancelled; attempts 0 disables retries
        String yaml = ratings("""
                - match: [{uri: {prefix: /none}}]
                  retries: {attempts: 0}
                  route: [{destination: {host: ratings}}]
                - match: [{uri: {prefix: /custom}}]
                  retries: {attempts: 3, perTryTimeout: 2s, retryOn: "gateway-error,503"}
                  route: [{destination: {host: ratings}}]
                - route: [{destination: {host: ratings}}]
                """);
        assertThat(fromProductpage(yaml, get("ratings", "/none")).retry()).isEqualTo(RetryPolicy.NONE);
        RetryPolicy custom = fromProductpage(yaml, get("ratings", "/custom")).retry();
        assertThat(custom.attempts()).isEqualTo(3);
        assertThat(custom.perTryTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(custom.retryOn()).containsExactlyInAnyOrder("gateway-error", "503", "retriable-status-codes");
        assertThat(fromProductpage(yaml, get("ratings", "/")).retry()).isEqualTo(RetryPolicy.ISTIO_DEFAULT);
    }
}

package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.policy.routing.RoutingDecision.Outcome;
import dev.loopmesh.topology.Problem;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.loopmesh.controlplane.gatewayapi.Translated.get;
import static dev.loopmesh.fixtures.GatewayApiYaml.BOOKINFO_GATEWAY;
import static dev.loopmesh.fixtures.GatewayApiYaml.httpRoute;
import static dev.loopmesh.fixtures.GatewayApiYaml.ingressRoute;
import static org.assertj.core.api.Assertions.assertThat;

/** A Gateway of class istio is served by the mesh's ingress gateway; the HTTPRoutes attached to it route there. */
class IngressRouteConversionTest {
    private static final String ROUTE = ingressRoute("bookinfo", "", """
            - matches: [{path: {type: PathPrefix, value: /api}}]
              filters:
              - type: URLRewrite
                urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}, hostname: productpage.internal}
              - type: RequestHeaderModifier
                requestHeaderModifier: {set: [{name: End-User, value: jason}], remove: [x-debug]}
              - type: ResponseHeaderModifier
                responseHeaderModifier: {add: [{name: x-route, value: gateway-api}]}
              backendRefs: [{name: productpage, port: 9080}]
            - matches: [{path: {type: Exact, value: /login}}]
              filters:
              - type: RequestRedirect
                requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /productpage}, statusCode: 302}
            - matches: [{path: {type: PathPrefix, value: /v1}}]
              filters:
              - type: URLRewrite
                urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /productpage}}
              backendRefs: [{name: productpage, port: 9080}]
            """);

    @Test
    void aPathPrefixRouteRewritesAndModifiesHeadersAtTheIngressGateway() {
        // HTTPURLRewriteFilter ReplacePrefixMatch "/" removes the prefix; HTTPHeaderFilter names are case-insensitive
        Translated t = Translated.of(BOOKINFO_GATEWAY, ROUTE);
        RoutingDecision d = t.atIngress(get("127.0.0.1:8080", "/api/productpage?u=1"));
        assertThat(d.outcome()).isEqualTo(Outcome.ROUTE);
        assertThat(d.cluster()).isEqualTo("outbound|9080||productpage.default.svc.cluster.local");
        assertThat(d.rewritePath()).isEqualTo("/productpage?u=1");
        assertThat(d.rewriteAuthority()).isEqualTo("productpage.internal");
        assertThat(d.requestHeaders().set()).isEqualTo(Map.of("end-user", "jason"));
        assertThat(d.requestHeaders().remove()).containsExactly("x-debug");
        assertThat(d.responseHeaders().add()).isEqualTo(Map.of("x-route", "gateway-api"));
        assertThat(t.atIngress(get("127.0.0.1:8080", "/api")).rewritePath()).isEqualTo("/");
        assertThat(t.atIngress(get("127.0.0.1:8080", "/v1/anything")).rewritePath()).isEqualTo("/productpage");
        // /apiary is not under the prefix /api, and no rule matches it: the gateway answers 404 NR
        assertThat(t.atIngress(get("127.0.0.1:8080", "/apiary")).outcome()).isEqualTo(Outcome.NO_ROUTE);
        assertThat(t.snapshots.get(Registry.GATEWAY).resources())
                .contains("HTTPRoute default/bookinfo", "Gateway default/bookinfo-gateway (gateway.networking.k8s.io)");
        assertThat(t.problems()).isEmpty();
    }

    @Test
    void aRedirectAnswersWithTheNewLocationAndTheRequestPort() {
        // HTTPRequestRedirectFilter.port: "When empty, port (if specified) of the request is used"
        RoutingDecision d = Translated.of(BOOKINFO_GATEWAY, ROUTE).atIngress(get("127.0.0.1:8080", "/login"));
        assertThat(d.outcome()).isEqualTo(Outcome.REDIRECT);
        assertThat(d.status()).isEqualTo(302);
        assertThat(d.body()).isEqualTo("http://127.0.0.1:8080/productpage");
    }

    @Test
    void aPrefixRedirectReplacesTheMatchedPrefixAndASchemeChangeDropsThePort() {
        Translated t = Translated.of(BOOKINFO_GATEWAY, ingressRoute("moved", "", """
                - matches: [{path: {type: PathPrefix, value: /old}}]
                  filters:
                  - type: RequestRedirect
                    requestRedirect: {scheme: https, hostname: shop.example.com, path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}
                """));
        RoutingDecision d = t.atIngress(get("127.0.0.1:8080", "/old/a?b=1"));
        assertThat(d.status()).isEqualTo(302);
        assertThat(d.body()).isEqualTo("https://shop.example.com/new/a?b=1");
    }

    @Test
    void hostnamesBindToTheListenerHostAndOtherHostsFallToTheMeshIngressRoutes() {
        Translated t = Translated.of("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: shop}
                spec:
                  gatewayClassName: istio
                  listeners:
                  - {name: shop, port: 80, protocol: HTTP, hostname: "*.example.com"}
                """, httpRoute("ratings", "parentRefs: [{name: shop, sectionName: shop}]\nhostnames: [ratings.example.com]\n", """
                - backendRefs: [{name: ratings, port: 9080}]
                """));
        assertThat(t.atIngress(get("ratings.example.com", "/x")).destinationHost()).isEqualTo("ratings.default.svc.cluster.local");
        RoutingDecision other = t.atIngress(get("127.0.0.1:8080", "/productpage"));
        assertThat(other.routeName()).isEqualTo("ingress"); // the Mesh document's ingress route to productpage
        assertThat(t.problems()).isEmpty();
    }

    @Test
    void parentsThatDoNotAcceptTheRouteAreWarnings() {
        Translated t = Translated.of(BOOKINFO_GATEWAY, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: other}
                spec:
                  gatewayClassName: nginx
                  listeners: [{name: http, port: 80, protocol: HTTP}]
                """, httpRoute("r", """
                parentRefs:
                - {name: bookinfo-gateway, sectionName: https}
                - {name: missing}
                - {name: other}
                - {group: "", kind: Service, name: reveiws}
                """, """
                - backendRefs: [{name: ratings, port: 9080}]
                """), httpRoute("elsewhere", "parentRefs: [{name: bookinfo-gateway, namespace: default}]\n", """
                - backendRefs: [{name: ratings, port: 9080}]
                """).replace("metadata: {name: elsewhere}", "metadata: {name: elsewhere, namespace: shop}"));
        assertThat(t.problems()).extracting(Problem::toString)
                .anyMatch(s -> s.contains("warning LM0408") && s.contains("gatewayClassName nginx"))
                .anyMatch(s -> s.contains("warning LM0409") && s.contains("no listener named https"))
                .anyMatch(s -> s.contains("warning LM0409") && s.contains("Gateway default/missing does not exist"))
                .anyMatch(s -> s.contains("warning LM0409") && s.contains("did you mean `reviews`?"))
                .anyMatch(s -> s.contains("warning LM0409") && s.contains("routes of namespace shop are not allowed"));
    }

    @Test
    void aCrossNamespaceBackendNeedsAReferenceGrantAtTheGatewayButNotInTheMesh() {
        // ReferenceGrant: "routes … in other namespaces may refer to" the backend only when granted (istiod: gateway routes)
        String route = ingressRoute("bookinfo", "", """
                - backendRefs: [{name: productpage, namespace: default, port: 9080}]
                """).replace("metadata: {name: bookinfo}", "metadata: {name: bookinfo, namespace: web}")
                .replace("parentRefs: [{name: bookinfo-gateway}]", "parentRefs: [{name: bookinfo-gateway, namespace: default}]");
        String gateway = BOOKINFO_GATEWAY.replace("protocol: HTTP}", "protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}");
        Translated denied = Translated.of(gateway, route);
        assertThat(denied.problems()).extracting(Problem::code).containsExactly(GatewayApiCodes.NOT_PERMITTED);
        RoutingDecision d = denied.atIngress(get("127.0.0.1:8080", "/"));
        assertThat(denied.snapshots.get(Registry.GATEWAY).clusters()).doesNotContainKey(d.cluster());
        assertThat(d.clusterNotFoundStatus()).isEqualTo(500);
        Translated granted = Translated.of(gateway, route, """
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: ReferenceGrant
                metadata: {name: web-to-productpage}
                spec:
                  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web}]
                  to: [{group: "", kind: Service, name: productpage}]
                """);
        assertThat(granted.problems()).isEmpty();
        assertThat(granted.atIngress(get("127.0.0.1:8080", "/")).cluster()).isEqualTo("outbound|9080||productpage.default.svc.cluster.local");
    }

    @Test
    void anExtensionRefFilterIsAWarningAndItsRuleAnswers500() {
        // HTTPRouteFilter.extensionRef: a filter that cannot be resolved "MUST NOT be skipped" — requests get a 500
        Translated t = Translated.of(BOOKINFO_GATEWAY, ingressRoute("bookinfo", "", """
                - filters: [{type: ExtensionRef, extensionRef: {group: example.com, kind: Auth, name: a}}]
                  backendRefs: [{name: productpage, port: 9080}]
                """));
        assertThat(t.problems()).extracting(Problem::toString).singleElement().asString()
                .startsWith("test.yaml:15:15: warning LM0408").contains("ExtensionRef").contains("500");
        RoutingDecision d = t.atIngress(get("127.0.0.1:8080", "/productpage"));
        assertThat(d.outcome()).isEqualTo(Outcome.DIRECT_RESPONSE);
        assertThat(d.status()).isEqualTo(500);
    }

    @Test
    void aGrpcRouteMatchesServiceAndMethodAsPaths() {
        // istiod's createGRPCURIMatch: /<service>/<method> exact, /<service>/ prefix
        Translated t = Translated.of(BOOKINFO_GATEWAY, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {name: grpc}
                spec:
                  parentRefs: [{name: bookinfo-gateway}]
                  rules:
                  - matches: [{method: {service: shop.Cart, method: Add}}]
                    backendRefs: [{name: details, port: 9080}]
                  - matches: [{method: {service: shop.Cart}}]
                    backendRefs: [{name: ratings, port: 9080}]
                """);
        assertThat(t.atIngress(get("127.0.0.1:8080", "/shop.Cart/Add")).destinationHost()).startsWith("details.");
        assertThat(t.atIngress(get("127.0.0.1:8080", "/shop.Cart/Remove")).destinationHost()).startsWith("ratings.");
        assertThat(t.atIngress(get("127.0.0.1:8080", "/shop.Cart/Add")).routeKind()).isEqualTo("GRPCRoute");
        assertThat(t.problems()).isEmpty();
    }
}

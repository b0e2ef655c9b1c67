package dev.loopmesh.mesh;

import dev.loopmesh.cli.LoopmeshCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.loopmesh.fixtures.GatewayApiYaml.meshRoute;
import static dev.loopmesh.fixtures.IstioYaml.REVIEWS_SUBSETS;
import static dev.loopmesh.fixtures.IstioYaml.docs;
import static dev.loopmesh.fixtures.IstioYaml.reviews;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code loopmesh route} answers offline with the same translation and route table the live proxies
 * run: for every case, the pod it names is the pod the live request reached, and the rule it names is the
 * VirtualService's or the HTTPRoute's.
 */
class RouteAgreesWithLiveMeshTest {
    static final String VIRTUAL_SERVICE = docs(REVIEWS_SUBSETS, reviews("""
            - name: jason
              match: [{headers: {end-user: {exact: jason}}}]
              route: [{destination: {host: reviews, subset: v2}}]
            - name: testers
              match: [{headers: {end-user: {regex: "test-[0-9]+"}}}, {queryParams: {beta: {exact: "1"}}}]
              route: [{destination: {host: reviews, subset: v3}}]
            - name: default
              route: [{destination: {host: reviews, subset: v1}}]
            """));

    /** The same three routes as a GAMMA HTTPRoute on the reviews Service. */
    static final String HTTP_ROUTE = meshRoute("reviews", "reviews", """
            - matches: [{headers: [{name: end-user, value: jason}]}]
              backendRefs: [{name: reviews-v2, port: 9080}]
            - matches:
              - headers: [{name: end-user, type: RegularExpression, value: "test-[0-9]+"}]
              - queryParams: [{name: beta, value: "1"}]
              backendRefs: [{name: reviews-v3, port: 9080}]
            - backendRefs: [{name: reviews-v1, port: 9080}]
            """);

    record Case(String endUser, String query) {
    }

    static final List<Case> CASES = List.of(new Case("jason", ""), new Case("", ""), new Case("test-42", ""), new Case("test-x", ""),
            new Case("", "?beta=1"), new Case("jason", "?beta=1"), new Case("Jason", ""));

    /** What `loopmesh route` said for each case: the pod, and the rule as "kind resource index". */
    record Offline(List<String> pods, List<String> rules) {
    }

    @TempDir
    Path dir;

    @Test
    void routeNamesThePodTheLiveRequestReaches() throws Exception {
        Offline offline = agree(VIRTUAL_SERVICE);

        assertThat(offline.pods()).containsExactly("reviews-v2-0", "reviews-v1-0", "reviews-v3-0", "reviews-v1-0", "reviews-v3-0",
                "reviews-v2-0", "reviews-v1-0");
    }

    @Test
    void routeNamesThePodTheLiveRequestReachesAndTheHttpRouteRule() throws Exception {
        Offline offline = agree(HTTP_ROUTE);

        // precedence: a header match before a query parameter match; ties keep the rule order (jason before the testers)
        assertThat(offline.pods()).containsExactly("reviews-v2-0", "reviews-v1-0", "reviews-v3-0", "reviews-v1-0", "reviews-v3-0",
                "reviews-v2-0", "reviews-v1-0");
        assertThat(offline.rules()).containsExactly("HTTPRoute default/reviews 0", "HTTPRoute default/reviews 2", "HTTPRoute default/reviews 1",
                "HTTPRoute default/reviews 2", "HTTPRoute default/reviews 1", "HTTPRoute default/reviews 0", "HTTPRoute default/reviews 2");
        String text = run("route", dir.resolve("policies.yaml").toString(), "--from", "productpage-v1", "--header", "end-user=jason", "GET",
                "http://reviews:9080/reviews/0");
        assertThat(text).contains("httpRoute:      default/reviews rule 0 (name \"default.reviews.0\")")
                .contains("cluster:        outbound|9080|v2|reviews.default.svc.cluster.local");
    }

    /** Asks `loopmesh route` about every case offline, then sends each through a live Bookinfo with {@code policies}: same pods. */
    private Offline agree(String policies) throws Exception {
        Path file = dir.resolve("policies.yaml");
        Files.writeString(file, policies);
        List<String> pods = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        for (Case c : CASES) {
            List<String> args = new ArrayList<>(List.of("route", file.toString(), "--from", "productpage-v1", "--output", "json"));
            if (!c.endUser().isEmpty()) {
                args.addAll(List.of("--header", "end-user=" + c.endUser()));
            }
            args.addAll(List.of("GET", "http://reviews:9080/reviews/0" + c.query()));
            JsonNode answer = MeshFixture.JSON.readTree(run(args.toArray(String[]::new)));
            pods.add(answer.get("endpoints").get(0).asText());
            rules.add(answer.path("routeKind").asText() + " " + answer.path("virtualService").asText() + " " + answer.path("ruleIndex").asInt());
        }
        try (MeshFixture f = MeshFixture.bookinfo(policies)) {
            var productpage = f.mesh.registry().pod("productpage-v1-0").orElseThrow();
            for (int i = 0; i < CASES.size(); i++) {
                Case c = CASES.get(i);
                // the request productpage's app would send: to its own sidecar's outbound listener
                String request = "GET /reviews/0" + c.query() + " HTTP/1.1\r\nHost: reviews:9080\r\n"
                        + (c.endUser().isEmpty() ? "" : "end-user: " + c.endUser() + "\r\n") + "Connection: close\r\n\r\n";
                try (Socket s = new Socket(productpage.address(), productpage.outboundPort())) {
                    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    JsonNode reviews = MeshFixture.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
                    assertThat(reviews.get("pod").asText()).as("case %s", c).isEqualTo(pods.get(i));
                }
            }
        }
        return new Offline(pods, rules);
    }

    private static String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(LoopmeshCli.execute(args)).isZero();
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}

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
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code loopmesh route} answers offline for Gateway API routes with the translation the live proxies run: for every
 * case, the pod it names is the pod the live request reached, and the rule it names is the HTTPRoute's.
 */
class GatewayApiRouteAgreementMeshTest {
    static final String POLICIES = meshRoute("reviews", "reviews", """
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

    @TempDir
    Path dir;

    @Test
    void routeNamesThePodTheLiveRequestReachesAndTheHttpRouteRule() throws Exception {
        Path file = dir.resolve("policies.yaml");
        Files.writeString(file, POLICIES);
        List<Case> cases = List.of(new Case("jason", ""), new Case("", ""), new Case("test-42", ""), new Case("test-x", ""),
                new Case("", "?beta=1"), new Case("jason", "?beta=1"), new Case("Jason", ""));
        List<String> offline = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        for (Case c : cases) {
            List<String> args = new ArrayList<>(List.of("route", file.toString(), "--from", "productpage-v1", "--output", "json"));
            if (!c.endUser().isEmpty()) {
                args.addAll(List.of("--header", "end-user=" + c.endUser()));
            }
            args.addAll(List.of("GET", "http://reviews:9080/reviews/0" + c.query()));
            JsonNode answer = MeshFixture.JSON.readTree(run(args.toArray(String[]::new)));
            offline.add(answer.get("endpoints").get(0).asText());
            rules.add(answer.get("routeKind").asText() + " " + answer.get("virtualService").asText() + " " + answer.get("ruleIndex").asInt());
        }
        try (MeshFixture f = MeshFixture.bookinfo(POLICIES)) {
            var productpage = f.mesh.registry().pod("productpage-v1-0").orElseThrow();
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                String request = "GET /reviews/0" + c.query() + " HTTP/1.1\r\nHost: reviews:9080\r\n"
                        + (c.endUser().isEmpty() ? "" : "end-user: " + c.endUser() + "\r\n") + "Connection: close\r\n\r\n";
                try (Socket s = new Socket(productpage.address(), productpage.outboundPort())) {
                    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    JsonNode reviews = MeshFixture.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
                    assertThat(reviews.get("pod").asText()).as("case %s", c).isEqualTo(offline.get(i));
                }
            }
        }
        // precedence: a header match before a query parameter match; ties keep the rule order (jason before the testers)
        assertThat(offline).containsExactly("reviews-v2-0", "reviews-v1-0", "reviews-v3-0", "reviews-v1-0", "reviews-v3-0",
                "reviews-v2-0", "reviews-v1-0");
        assertThat(rules).containsExactly("HTTPRoute default/reviews 0", "HTTPRoute default/reviews 2", "HTTPRoute default/reviews 1",
                "HTTPRoute default/reviews 2", "HTTPRoute default/reviews 1", "HTTPRoute default/reviews 0", "HTTPRoute default/reviews 2");
        String text = run("route", file.toString(), "--from", "productpage-v1", "--header", "end-user=jason", "GET",
                "http://reviews:9080/reviews/0");
        assertThat(text).contains("httpRoute:      default/reviews rule 0 (name \"default.reviews.0\")")
                .contains("cluster:        outbound|9080|v2|reviews.default.svc.cluster.local");
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

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

import static dev.loopmesh.fixtures.IstioYaml.REVIEWS_SUBSETS;
import static dev.loopmesh.fixtures.IstioYaml.docs;
import static dev.loopmesh.fixtures.IstioYaml.reviews;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code loopmesh route} answers offline with the same translation and route table the live proxies
 * run: for every case, the pod it names is the pod the live request reached.
 */
class RouteAgreesWithLiveMeshTest {
    static final String POLICIES = docs(REVIEWS_SUBSETS, reviews("""
            - name: jason
              match: [{headers: {end-user: {exact: jason}}}]
              route: [{destination: {host: reviews, subset: v2}}]
            - name: testers
              match: [{headers: {end-user: {regex: "test-[0-9]+"}}}, {queryParams: {beta: {exact: "1"}}}]
              route: [{destination: {host: reviews, subset: v3}}]
            - name: default
              route: [{destination: {host: reviews, subset: v1}}]
            """));

    record Case(String endUser, String query) {
    }

    @TempDir
    Path dir;

    @Test
    void routeNamesThePodTheLiveRequestReaches() throws Exception {
        Path file = dir.resolve("policies.yaml");
        Files.writeString(file, POLICIES);
        List<Case> cases = List.of(new Case("jason", ""), new Case("", ""), new Case("test-42", ""), new Case("test-x", ""),
                new Case("", "?beta=1"), new Case("jason", "?beta=1"), new Case("Jason", ""));
        List<String> offline = new ArrayList<>();
        for (Case c : cases) {
            List<String> args = new ArrayList<>(List.of("route", file.toString(), "--from", "productpage-v1", "--output", "json"));
            if (!c.endUser().isEmpty()) {
                args.addAll(List.of("--header", "end-user=" + c.endUser()));
            }
            args.addAll(List.of("GET", "http://reviews:9080/reviews/0" + c.query()));
            JsonNode answer = MeshFixture.JSON.readTree(run(args.toArray(String[]::new)));
            offline.add(answer.get("endpoints").get(0).asText());
        }
        try (MeshFixture f = MeshFixture.bookinfo(POLICIES)) {
            var productpage = f.mesh.registry().pod("productpage-v1-0").orElseThrow();
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                // the request productpage's app would send: to its own sidecar's outbound listener
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
        assertThat(offline).containsExactly("reviews-v2-0", "reviews-v1-0", "reviews-v3-0", "reviews-v1-0", "reviews-v3-0",
                "reviews-v2-0", "reviews-v1-0");
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

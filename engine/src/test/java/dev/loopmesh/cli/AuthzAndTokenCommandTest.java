package dev.loopmesh.cli;

import dev.loopmesh.policy.authn.Jwks;
import dev.loopmesh.policy.authn.JwtAuthenticator;
import dev.loopmesh.policy.authn.JwtRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuthzAndTokenCommandTest {
    record Run(int code, String out, String err) {
    }

    static Run run(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theMatrixShowsWhichPolicyDecidesEachPair(@TempDir Path dir) throws Exception {
        String mesh = new String(AuthzAndTokenCommandTest.class.getResourceAsStream("/dev/loopmesh/topologies/bookinfo.yaml").readAllBytes());
        Path file = dir.resolve("bookinfo.yaml");
        Files.writeString(file, mesh + """
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ratings-viewer, namespace: default}
                spec:
                  selector: {matchLabels: {app: ratings}}
                  rules: [{from: [{source: {principals: ["cluster.local/ns/default/sa/bookinfo-reviews"]}}]}]
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: default}
                spec: {mtls: {mode: STRICT}}
                """);
        Run table = run(new AuthzCommand(), "matrix", file.toString());
        assertThat(table.code()).isZero();
        assertThat(table.out()).containsPattern("reviews-v2\\s+ratings-v1\\s+9080\\s+allow\\s+yes\\s+ALLOW AuthorizationPolicy default/ratings-viewer");
        assertThat(table.out()).containsPattern("productpage-v1\\s+ratings-v1\\s+9080\\s+DENY\\s+yes\\s+denied: no ALLOW policy matched");
        Run json = run(new AuthzCommand(), "matrix", "-o", "json", file.toString());
        assertThat(json.out()).contains("\"decidedBy\"", "\"allowed\" : false");
    }

    @Test
    void tokensVerifyAgainstThePrintedJwks(@TempDir Path dir) {
        Path key = dir.resolve("issuer.pem");
        Run token = run(new TokenCommand(), "--key", key.toString(), "--sub", "alice", "--aud", "bookinfo", "--claim", "groups=a,b");
        Run jwks = run(new TokenCommand(), "--key", key.toString(), "--jwks");
        assertThat(token.code()).isZero();
        JwtRule rule = new JwtRule("loopmesh.dev/issuer", List.of("bookinfo"), Jwks.parse(jwks.out().trim()), List.of(), List.of(),
                List.of(), "", false);
        JwtAuthenticator.Result r = new JwtAuthenticator(List.of(rule), Clock.systemUTC())
                .authenticate(Map.of("authorization", List.of("Bearer " + token.out().trim())), Map.of());
        assertThat(r.outcome()).isEqualTo(JwtAuthenticator.Outcome.VERIFIED);
        assertThat(r.auth().principal()).isEqualTo("loopmesh.dev/issuer/alice");
        assertThat(r.auth().claim(List.of("groups"))).containsExactly("a", "b");
    }
}

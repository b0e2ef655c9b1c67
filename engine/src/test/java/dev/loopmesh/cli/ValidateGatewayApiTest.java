package dev.loopmesh.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `loopmesh validate` checks Gateway API resources as the control plane applies them: every finding once, with its position. */
class ValidateGatewayApiTest {
    private static String validate(Path file, int expectedExit) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new ValidateCommand(LoopmeshCli::checkResources));
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute(file.toString())).as(out.toString()).isEqualTo(expectedExit);
        return out.toString();
    }

    @Test
    void theGatewayApiExampleIsClean() {
        assertThat(validate(Path.of("../topologies/gateway-api.yaml"), ValidateCommand.OK)).endsWith("0 errors, 0 warnings" + System.lineSeparator());
    }

    @Test
    void anInvalidHttpRouteIsAnErrorAndAnUnknownBackendAWarningEachToldOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("routes.yaml");
        Files.writeString(file, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: reviews}
                spec:
                  parentRefs: [{group: "", kind: Service, name: reviews, port: 9080}]
                  rules:
                  - backendRefs: [{name: reviewz, port: 9080}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: ratings}
                spec:
                  parentRefs: [{group: "", kind: Service, name: ratings}]
                  rules:
                  - filters: [{type: RequestRedirect, requestRedirect: {statusCode: 301}}, {type: URLRewrite, urlRewrite: {hostname: a}}]
                """);
        String out = validate(file, ValidateCommand.ERRORS);
        assertThat(out.lines().filter(l -> l.contains("LM0410"))).singleElement().asString()
                .startsWith(file + ":7:19: warning LM0410: backendRef reviewz names no service").contains("did you mean `reviews`?");
        assertThat(out.lines().filter(l -> l.contains("LM0407"))).singleElement().asString()
                .startsWith(file + ":15:14: error LM0407: a rule has RequestRedirect and URLRewrite");
        assertThat(out).contains("1 error, 1 warning");
    }
}

package dev.loopmesh.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `loopmesh validate` reports what istioctl analyze would: IST0109 for two mesh VirtualServices of one host. */
class ValidateHostConflictTest {
    @Test
    void twoMeshVirtualServicesForOneHostAreAnErrorOnEachOfThem(@TempDir Path dir) throws Exception {
        // istioctl analyze IST0109 ConflictingMeshGatewayVirtualServiceHosts, level Error, reported for every VirtualService involved
        String bookinfo = new String(ValidateHostConflictTest.class.getResourceAsStream("/dev/loopmesh/topologies/bookinfo.yaml").readAllBytes());
        Path file = dir.resolve("conflict.yaml");
        Files.writeString(file, bookinfo + """
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews-a}
                spec:
                  hosts: [reviews]
                  http: [{route: [{destination: {host: reviews}}]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews-b}
                spec:
                  hosts: [reviews.default.svc.cluster.local]
                  http: [{route: [{destination: {host: reviews}}]}]
                """);
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new ValidateCommand(LoopmeshCli::checkResources));
        cl.setOut(new PrintWriter(out));
        int exit = cl.execute(file.toString());
        assertThat(exit).isEqualTo(ValidateCommand.ERRORS);
        assertThat(out.toString().lines().filter(l -> l.contains("LM0314")))
                .hasSize(2)
                .allSatisfy(l -> assertThat(l).contains(": error LM0314: the VirtualServices default/reviews-a, default/reviews-b "
                        + "bound to the mesh gateway define the same host reviews.default.svc.cluster.local").endsWith("(at spec.hosts)"));
        assertThat(out.toString()).contains("2 errors, 0 warnings");
    }
}

package dev.loopmesh.topology;

import dev.loopmesh.cli.ValidateCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void noFileValidatesTheBuiltInBookinfoAndExitsZero() {
        int exit = run(new ValidateCommand());

        assertThat(exit).isZero();
        assertThat(out.toString()).isEqualTo("built-in bookinfo: mesh bookinfo, 4 services, 6 workloads, 0 resources" + NL
                + "0 errors, 0 warnings" + NL);
    }

    @Test
    void warningsOnlyExitOne() throws IOException {
        Path file = write("w.yaml", """
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: w}
                spec:
                  services: [{name: web, port: 80, workloads: [{version: v1, replicas: 0}]}]
                """);

        int exit = run(new ValidateCommand(), file.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).startsWith(file + ":5:14: warning LM0220: service `web` has no pods").endsWith("0 errors, 1 warning" + NL);
    }

    @Test
    void errorsExitTwoWithOneLinePerProblemAndNoStackTrace() throws IOException {
        Path file = write("e.yaml", """
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: e}
                spec:
                  services: [{name: web, port: 0, workloads: [{version: v1, replica: 2}]}]
                """);

        int exit = run(new ValidateCommand(), file.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString().split(NL)).containsExactly(
                file + ":5:32: error LM0204: port: 0 is out of range (expected: 1..65535) (at spec.services[0].port)",
                file + ":5:61: error LM0203: unknown key `replica` (expected one of: version, replicas, serviceAccount, labels, sidecar, external, behavior) — did you mean `replicas`? (at spec.services[0].workloads[0].replica)",
                "2 errors, 0 warnings");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aMissingFileIsOneLineAndExitTwo() {
        int exit = run(new ValidateCommand(), "no-such-file.yaml");

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).isEqualTo("no-such-file.yaml: error LM0101: file not found (expected: a YAML file)" + NL
                + "1 error, 0 warnings" + NL);
    }

    @Test
    void aResourceCheckerAddsItsProblems() throws IOException {
        Path file = write("vs.yaml", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\n");
        ResourceChecker checker = topology -> topology.resources().stream()
                .map(r -> Problem.warning("LM0501", r.position(), "spec.hosts", "no hosts")).toList();

        int exit = run(new ValidateCommand(checker), file.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).startsWith(file + ":1:1: warning LM0501: no hosts (at spec.hosts)" + NL);
    }

    @Test
    void aFailingCheckerIsAnInternalErrorWithAStackTraceOnlyUnderDebug() {
        ResourceChecker broken = topology -> {
            throw new IllegalStateException("boom");
        };

        assertThat(run(new ValidateCommand(broken))).isEqualTo(2);
        assertThat(out.toString()).startsWith("<built-in>: error LM0100: internal error: java.lang.IllegalStateException: boom (run with --debug for the stack trace)");
        assertThat(err.toString()).isEmpty();

        assertThat(run(new ValidateCommand(broken), "--debug")).isEqualTo(2);
        assertThat(err.toString()).contains("java.lang.IllegalStateException: boom").contains("\tat ");
    }

    @Test
    void helpExplainsTheExitCodes() {
        run(new ValidateCommand(), "--help");

        assertThat(out.toString()).contains("Usage: validate").contains("1   warnings only").contains("--debug");
    }

    private int run(ValidateCommand command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}

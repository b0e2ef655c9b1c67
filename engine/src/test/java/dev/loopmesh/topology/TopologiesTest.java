package dev.loopmesh.topology;

import dev.loopmesh.cli.ValidateCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every example mesh in topologies/ loads without a problem, and is shipped as a built-in. */
class TopologiesTest {
    private static final Path DIR = Path.of("../topologies");

    static Stream<Path> topologies() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topologies")
    void everyExampleLoadsWithoutErrorsOrWarnings(Path file) {
        Topology topology = new TopologyLoader().load(List.of(file));

        assertThat(topology.warnings()).isEmpty();
        assertThat(topology.mesh().services()).isNotEmpty();
        assertThat(topology.files()).containsExactly(file.toAbsolutePath().normalize().toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topologies")
    void validateExitsZeroOnEveryExample(Path file) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new ValidateCommand());
        cli.setOut(new PrintWriter(out));

        int exit = cli.execute(file.toString());

        assertThat(out.toString()).endsWith("0 errors, 0 warnings" + System.lineSeparator());
        assertThat(exit).isZero();
    }

    @Test
    void theBuiltInNamesAreExactlyTheFilesInTopologies() throws IOException {
        List<String> files = topologies().map(p -> p.getFileName().toString().replaceFirst("\\.yaml$", "")).sorted().toList();

        assertThat(TopologyLoader.builtInNames()).containsExactlyInAnyOrderElementsOf(files);
        for (String name : TopologyLoader.builtInNames()) {
            assertThat(new TopologyLoader().builtIn(name).mesh().name()).isEqualTo(name);
        }
    }
}

package dev.loopmesh.topology;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Each file in topology/broken/ has one mistake and says, in its first line, the one line
 * {@code loopmesh validate} must print for it: position, code, message and path, exactly.
 */
class BrokenFilesTest {
    private static final Path DIR = Path.of("src/test/resources/topology/broken");
    private static final String EXPECT = "# expect: ";

    static Stream<Path> brokenFiles() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(list).hasSizeGreaterThanOrEqualTo(20);
            return list.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void eachBrokenFileGivesExactlyTheOnePreciseLineItExpects(Path file) throws IOException {
        String expected = expectedLine(file);

        TopologyException e = catchThrowableOfType(TopologyException.class,
                () -> new TopologyLoader().load(List.of(file)));

        assertThat(e).as("loading %s must fail", file).isNotNull();
        assertThat(e.problems()).extracting(p -> p.toString().replace(DIR + "/", "")).containsExactly(expected);
    }

    private static String expectedLine(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        String first = text.substring(0, text.indexOf('\n'));
        assertThat(first).startsWith(EXPECT);
        return first.substring(EXPECT.length());
    }
}

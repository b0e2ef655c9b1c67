package dev.loopmesh.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class YamlReaderTest {
    private final YamlReader reader = new YamlReader();

    @Test
    void nodesCarryOneBasedPositionsAndYamlPaths() {
        List<YamlNode> docs = reader.readString("m.yaml", """
                spec:
                  services:
                  - name: a
                  - name: b
                    labels: {app.kubernetes.io/name: b}
                """);

        YamlNode.Mapping root = (YamlNode.Mapping) docs.get(0);
        YamlNode.Mapping spec = (YamlNode.Mapping) root.entries().get("spec");
        YamlNode.Sequence services = (YamlNode.Sequence) spec.entries().get("services");
        YamlNode.Mapping second = (YamlNode.Mapping) services.items().get(1);
        YamlNode.Scalar name = (YamlNode.Scalar) second.entries().get("name");
        YamlNode.Mapping labels = (YamlNode.Mapping) second.entries().get("labels");

        assertThat(name.value()).isEqualTo("b");
        assertThat(name.position()).isEqualTo(new Position("m.yaml", 4, 11));
        assertThat(name.path()).isEqualTo("spec.services[1].name");
        assertThat(second.keyPosition("labels")).isEqualTo(new Position("m.yaml", 5, 5));
        assertThat(labels.entries().get("app.kubernetes.io/name").path())
                .isEqualTo("spec.services[1].labels[\"app.kubernetes.io/name\"]");
    }

    @Test
    void keepsEveryDocumentAndTellsNullFromQuotedText() {
        List<YamlNode> docs = reader.readString("m.yaml", "a: ~\nb: \"null\"\nc: 9080\n---\n---\nx: 1\n");

        assertThat(docs).hasSize(3);
        YamlNode.Mapping first = (YamlNode.Mapping) docs.get(0);
        assertThat(((YamlNode.Scalar) first.entries().get("a")).isNull()).isTrue();
        assertThat(((YamlNode.Scalar) first.entries().get("b")).value()).isEqualTo("null");
        assertThat(((YamlNode.Scalar) first.entries().get("b")).quoted()).isTrue();
        assertThat(((YamlNode.Scalar) first.entries().get("c")).value()).isEqualTo("9080");
        assertThat(((YamlNode.Scalar) docs.get(1)).isNull()).isTrue();
        assertThat(docs.get(2).position().line()).isEqualTo(6);
    }

    @Test
    void aFiftyMegabyteFileIsRefusedBeforeItIsRead(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(50L << 20);
        }

        assertThat(problem(() -> reader.read(big, "big.yaml")))
                .isEqualTo("big.yaml: error LM0102: file is 50.0 MiB (expected: at most 8 MiB)");
    }

    @Test
    @Timeout(60)
    void billionLaughsStopsAtTheValueLimitInsteadOfExpanding() {
        StringBuilder yaml = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            String prev = "*" + (char) (c - 1);
            yaml.append(c).append(": &").append(c).append(" [").append(String.join(", ", java.util.Collections.nCopies(9, prev))).append("]\n");
        }

        assertThat(problem(() -> reader.readString("lol.yaml", yaml.toString())))
                .startsWith("lol.yaml:").contains("error LM0106: more than 250000 values after expanding aliases")
                .contains("YAML bomb");
    }

    @Test
    void moreThanAHundredAliasesAreRefused() {
        StringBuilder yaml = new StringBuilder("a: &a [x]\nb: [");
        yaml.append(String.join(", ", java.util.Collections.nCopies(101, "*a"))).append("]\n");

        assertThat(problem(() -> reader.readString("aliases.yaml", yaml.toString())))
                .startsWith("aliases.yaml:2:").contains("error LM0106: more than 100 aliases (expected: at most 100; is this a YAML bomb like billion laughs?)");
    }

    @Test
    void aRecursiveAliasIsRefused() {
        assertThat(problem(() -> reader.readString("r.yaml", "a: &a [x, *a]\n")))
                .startsWith("r.yaml:1:").contains("LM0106: recursive alias");
    }

    @Test
    @Timeout(60)
    void deeplyNestedYamlIsRefusedAtTheDepthLimit() {
        String yaml = "[".repeat(200_000) + "]".repeat(200_000);

        assertThat(problem(() -> reader.readString("deep.yaml", yaml)))
                .isEqualTo("deep.yaml:1:101: error LM0107: YAML nested more than 100 levels deep (expected: at most 100)");
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedWithTheirPosition() {
        byte[] bytes = "kind: Mesh\nname: \u00e9t\u00e9 \n".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(problem(() -> reader.read("latin1.yaml", bytes)))
                .isEqualTo("latin1.yaml:2:7: error LM0103: byte 0xE9 is not UTF-8 (expected: a UTF-8 text file; is this a binary file?)");
    }

    @Test
    void nulAndControlCharactersMeanBinaryInput() {
        assertThat(problem(() -> reader.readString("nul.yaml", "a: 1\nb: x\0y\n")))
                .isEqualTo("nul.yaml:2:5: error LM0103: NUL byte (expected: printable text; is this a binary file?)");
        assertThat(problem(() -> reader.readString("bell.yaml", "a: \u0007\n")))
                .isEqualTo("bell.yaml:1:4: error LM0103: control character U+0007 (expected: printable text; is this a binary file?)");
    }

    @Test
    void randomBinaryGarbageGivesOneClearError() {
        byte[] garbage = new byte[4096];
        new java.util.Random(42).nextBytes(garbage);

        assertThat(problem(() -> reader.read("garbage.bin", garbage))).contains("error LM0103:").contains("binary file");
    }

    @Test
    void utf16IsRefusedAndAUtf8ByteOrderMarkIsAccepted() {
        assertThat(problem(() -> reader.read("u16.yaml", "a: 1".getBytes(StandardCharsets.UTF_16))))
                .isEqualTo("u16.yaml:1:1: error LM0103: file is UTF-16 (expected: UTF-8 text)");
        byte[] bom = "\uFEFFa: 1\n".getBytes(StandardCharsets.UTF_8);
        assertThat(reader.read("bom.yaml", bom)).hasSize(1);
    }

    @Test
    void emptyInputIsAnError() {
        for (String empty : List.of("", "   \n\n", "# only a comment\n", "---\n---\n")) {
            assertThat(problem(() -> reader.readString("empty.yaml", empty)))
                    .isEqualTo("empty.yaml: error LM0104: file has no YAML documents (expected: a `kind: Mesh` document or mesh resources)");
        }
    }

    @Test
    void everyDuplicateKeyIsReportedAtItsSecondOccurrence() {
        TopologyException e = catchThrowableOfType(TopologyException.class,
                () -> reader.readString("dup.yaml", "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n"));

        assertThat(e.problems()).extracting(Problem::toString).containsExactly(
                "dup.yaml:4:3: error LM0108: duplicate key `c` (first at line 3, column 3; expected: each key once) (at b.c)",
                "dup.yaml:5:1: error LM0108: duplicate key `a` (first at line 1, column 1; expected: each key once) (at a)");
    }

    @Test
    void listMapAndNullKeysAreRefusedButNumbersAreKeptAsText() {
        assertThat(problem(() -> reader.readString("k.yaml", "a:\n  ? [x, y]\n  : 1\n")))
                .isEqualTo("k.yaml:2:5: error LM0109: a list used as a key (expected: a string key) (at a)");
        assertThat(problem(() -> reader.readString("k.yaml", "~: 1\n")))
                .isEqualTo("k.yaml:1:1: error LM0109: a null key (expected: a string key)");
        YamlNode.Mapping m = (YamlNode.Mapping) reader.readString("k.yaml", "80: http\n").get(0);
        assertThat(m.entries()).containsOnlyKeys("80");
    }

    @Test
    void aSyntaxErrorNamesItsLineAndColumn() {
        assertThat(problem(() -> reader.readString("s.yaml", "a: [1, 2\nb: 3\n")))
                .startsWith("s.yaml:2:").contains("error LM0105: invalid YAML:");
    }

    @Test
    void missingFilesAndDirectoriesAreOneLineErrors(@TempDir Path dir) {
        assertThat(problem(() -> reader.read(dir.resolve("nope.yaml"), "nope.yaml")))
                .isEqualTo("nope.yaml: error LM0101: file not found (expected: a YAML file)");
        assertThat(problem(() -> reader.read(dir, "dir")))
                .isEqualTo("dir: error LM0101: is a directory (expected: a YAML file)");
    }

    @Test
    void smallerLimitsCanBeConfigured() throws IOException {
        YamlReader tiny = new YamlReader(new YamlReader.Limits(16, 1, 2, 10));

        assertThat(problem(() -> tiny.readString("t.yaml", "a: 12345678901234567890")))
                .isEqualTo("t.yaml: error LM0102: file is 23 bytes (expected: at most 16 bytes)");
        assertThat(problem(() -> tiny.readString("t.yaml", "a: [[1]]")))
                .isEqualTo("t.yaml:1:5: error LM0107: YAML nested more than 2 levels deep (expected: at most 2)");
    }

    private static String problem(Runnable action) {
        TopologyException e = catchThrowableOfType(TopologyException.class, action::run);
        assertThat(e).as("expected a TopologyException").isNotNull();
        assertThat(e.problems()).hasSize(1);
        return e.problems().get(0).toString();
    }
}

package dev.loopmesh.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TopologyLoaderTest {
    private static final String MESH = """
            apiVersion: loopmesh.dev/v1
            kind: Mesh
            metadata: {name: shop}
            %s
            spec:
              namespace: shop
              services:
              - {name: web, port: 8080, workloads: [{version: v1}]}
            """;
    private static final String VIRTUAL_SERVICE = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: %s}
            spec:
              hosts: [web]
            """;

    @TempDir
    Path dir;

    private final TopologyLoader loader = new TopologyLoader();

    @Test
    void noFilesAtAllIsTheBuiltInBookinfo() {
        assertThat(loader.load(List.of()).mesh().name()).isEqualTo("bookinfo");
    }

    @Test
    void resourceFilesWithoutAMeshAreAddedToBookinfoInItsNamespace() throws IOException {
        Path vs = write("vs.yaml", VIRTUAL_SERVICE.formatted("reviews"));

        Topology topology = loader.load(List.of(vs));

        assertThat(topology.mesh().name()).isEqualTo("bookinfo");
        assertThat(topology.resources()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("networking.istio.io/VirtualService/default/reviews");
            assertThat(r.position()).isEqualTo(new Position(vs.toString(), 1, 1));
            assertThat(r.spec().entries()).containsOnlyKeys("hosts");
        });
        assertThat(topology.files()).containsExactly(vs.toString());
    }

    @Test
    void theFileWithTheMeshDefinesItWhateverItsPlaceOnTheCommandLine() throws IOException {
        Path vs = write("a-vs.yaml", VIRTUAL_SERVICE.formatted("web"));
        Path mesh = write("b-mesh.yaml", MESH.formatted(""));

        Topology topology = loader.load(List.of(vs, mesh));

        assertThat(topology.mesh().name()).isEqualTo("shop");
        assertThat(topology.resources()).singleElement().satisfies(r -> assertThat(r.namespace()).isEqualTo("shop"));
    }

    @Test
    void twoMeshDocumentsInTwoFilesAreAnError() throws IOException {
        Path a = write("a.yaml", MESH.formatted(""));
        Path b = write("b.yaml", MESH.formatted(""));

        assertThat(problems(List.of(a, b))).containsExactly(
                b + ":1:1: error LM0111: a second Mesh document (the first is at " + a + ":1:1; expected: one Mesh per topology, other files add resources only)");
    }

    @Test
    void includeGlobsPullInResourceFilesRelativeToTheIncludingFile() throws IOException {
        write("policies/one.yaml", VIRTUAL_SERVICE.formatted("one"));
        write("policies/two.yaml", VIRTUAL_SERVICE.formatted("two") + "---\n" + VIRTUAL_SERVICE.formatted("three"));
        write("policies/notes.txt", "not yaml");
        Path mesh = write("mesh.yaml", MESH.formatted("include: [policies/*.yaml]"));

        Topology topology = loader.load(List.of(mesh));

        assertThat(topology.resources()).extracting(MeshResource::name).containsExactly("one", "two", "three");
        assertThat(topology.resources().get(0).position().file()).isEqualTo(dir.resolve("policies/one.yaml").toString());
        assertThat(topology.files()).hasSize(3);
    }

    @Test
    void includeTakesPlainPathsAndFoldersToo() throws IOException {
        write("extra.yaml", VIRTUAL_SERVICE.formatted("extra"));
        write("prod/a.yaml", VIRTUAL_SERVICE.formatted("a"));
        write("prod/b.yml", VIRTUAL_SERVICE.formatted("b"));
        Path mesh = write("mesh.yaml", MESH.formatted("include: [extra.yaml, prod]"));

        assertThat(loader.load(List.of(mesh)).resources()).extracting(MeshResource::name).containsExactly("extra", "a", "b");
    }

    @Test
    void aGlobMatchingNothingIsAWarningAndAMissingPathAnError() throws IOException {
        Path mesh = write("mesh.yaml", MESH.formatted("include: [nothing/*.yaml]"));

        Topology topology = loader.load(List.of(mesh));

        assertThat(topology.warnings()).extracting(Problem::toString).containsExactly(
                mesh + ":4:11: warning LM0113: include `nothing/*.yaml` matches no file (in " + dir.toAbsolutePath().normalize() + ") (at include[0])");

        Path missing = write("missing.yaml", MESH.formatted("include: [gone.yaml]"));
        assertThat(problems(List.of(missing))).singleElement().asString()
                .startsWith(missing + ":4:11: error LM0114: included file `gone.yaml` not found");
    }

    @Test
    void aFileThatIncludesItselfThroughAGlobIsAnError() throws IOException {
        Path mesh = write("mesh.yaml", MESH.formatted("include: ['*.yaml']"));

        assertThat(problems(List.of(mesh))).containsExactly(mesh + ":4:11: error LM0112: `" + mesh
                + "` includes itself through `*.yaml` (expected: files that do not include themselves) (at include[0])");
    }

    @Test
    void anIncludeCycleThroughAnotherFileIsReportedWithItsPath() throws IOException {
        Path a = write("a.yaml", MESH.formatted("include: [b.yaml]"));
        write("b.yaml", MESH.formatted("include: [a.yaml]"));

        assertThat(problems(List.of(a))).anySatisfy(p -> assertThat(p).isEqualTo(dir.resolve("b.yaml") + ":4:11: error LM0112: include cycle: "
                + a + " → " + dir.resolve("b.yaml") + " → " + a + " (expected: files that do not include themselves) (at include[0])"));
    }

    @Test
    void everyProblemOfEveryFileIsCollectedInFileAndLineOrder() throws IOException {
        Path mesh = write("mesh.yaml", """
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: m}
                spec:
                  services:
                  - {name: web, port: 0, workloads: [{version: v1}]}
                  - {name: Api, port: 80, workloads: [{version: v1}]}
                """);
        Path resources = write("res.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualServce
                metadata: {name: x}
                ---
                apiVersion: security.istio.io/v1
                kind: VirtualService
                metadata: {name: y}
                """);

        assertThat(problems(List.of(resources, mesh))).extracting(s -> s.substring(0, s.indexOf(": error")))
                .containsExactly(resources + ":2:7", resources + ":6:7", mesh + ":6:23", mesh + ":7:12");
        assertThat(problems(List.of(resources))).element(1).asString()
                .contains("unknown kind `VirtualService` in `security.istio.io/v1`").endsWith("— VirtualService is in `networking.istio.io/v1` (at kind)");
    }

    @Test
    void resourcesKeepMetadataAndDefaultToTheMeshNamespace() {
        Topology topology = loader.loadString("m.yaml", MESH.formatted("") + """
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata:
                  name: deny-all
                  namespace: other
                  labels: {team: sec}
                  annotations: {note: "from prod"}
                ---
                apiVersion: loopmesh.dev/v1
                kind: Chaos
                metadata: {name: kill-web}
                """);

        MeshResource policy = topology.resources().get(0);
        assertThat(policy.namespace()).isEqualTo("other");
        assertThat(policy.labels()).containsEntry("team", "sec");
        assertThat(policy.annotations()).containsEntry("note", "from prod");
        assertThat(policy.spec().entries()).isEmpty();
        assertThat(policy.position()).isEqualTo(new Position("m.yaml", 10, 1));
        assertThat(topology.resources().get(1).namespace()).isEqualTo("shop");
        assertThat(topology.files()).isEmpty();
    }

    @Test
    void theSameResourceTwiceIsAnError() {
        TopologyException e = catchThrowableOfType(TopologyException.class, () -> loader.loadString("m.yaml",
                VIRTUAL_SERVICE.formatted("web") + "---\n" + VIRTUAL_SERVICE.formatted("web")));

        assertThat(e.problems()).extracting(Problem::toString).containsExactly(
                "m.yaml:7:1: error LM0306: duplicate VirtualService `default/web` (first at m.yaml:1:1; expected: each resource once per kind, namespace and name)");
    }

    @Test
    void resourcesNeedApiVersionKindAndAMetadataName() {
        TopologyException e = catchThrowableOfType(TopologyException.class, () -> loader.loadString("r.yaml", """
                kind: VirtualService
                metadata: {name: a}
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: Bad_Name}
                sepc: {}
                """));

        assertThat(e.problems()).extracting(Problem::toString).containsExactly(
                "r.yaml:1:1: error LM0301: missing required key `apiVersion` in a resource (expected: like networking.istio.io/v1)",
                "r.yaml:6:18: error LM0305: name `Bad_Name` is not a DNS-1123 subdomain (expected: at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit) (at metadata.name)",
                "r.yaml:7:1: error LM0307: unknown key `sepc` (expected one of: apiVersion, kind, metadata, spec, status) — did you mean `spec`? (at sepc)");
    }

    @Test
    void everyKnownApiGroupLoads() {
        String docs = KnownKinds.apiVersions().stream()
                .flatMap(v -> KnownKinds.kinds(v).stream().filter(k -> !k.equals("Mesh"))
                        .map(k -> "apiVersion: " + v + "\nkind: " + k + "\nmetadata: {name: " + (v + "-" + k).toLowerCase().replaceAll("[^a-z0-9]", "-") + "}\n"))
                .reduce((a, b) -> a + "---\n" + b).orElseThrow();

        assertThat(loader.loadString("all.yaml", docs).resources()).hasSize(65);
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private List<String> problems(List<Path> files) {
        TopologyException e = catchThrowableOfType(TopologyException.class, () -> loader.load(files));
        assertThat(e).as("expected a TopologyException").isNotNull();
        return e.problems().stream().map(Problem::toString).toList();
    }
}

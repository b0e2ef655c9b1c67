package dev.loopmesh.topology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Loads topology files the way {@code kubectl apply -f} takes several files: the file holding the
 * {@code Mesh} document defines the mesh and the others add resources; with no {@code Mesh} among them
 * (or no file at all) the built-in Bookinfo mesh is used and the files' resources are added to it.
 * {@code include:} in the Mesh document pulls in more resource files (paths, directories or globs,
 * relative to the including file).
 *
 * <p>Every problem of every file is collected: any error throws a {@link TopologyException} carrying
 * all problems (errors and warnings, in file and line order); warnings alone end up in
 * {@link Topology#warnings()}.
 */
public final class TopologyLoader {
    /** The name of the built-in default mesh. */
    public static final String DEFAULT_BUILT_IN = "bookinfo";
    private static final List<String> BUILT_IN_NAMES = List.of("bookinfo", "shop", "canary", "grpc-tcp", "gateway-api");
    private static final String BUILT_IN_DIR = "dev/loopmesh/topologies/";

    private final YamlReader reader;

    public TopologyLoader() {
        this(new YamlReader());
    }

    public TopologyLoader(YamlReader reader) {
        this.reader = requireNonNull(reader, "reader");
    }

    /** The built-in meshes shipped with the engine (the files of {@code topologies/}), by name. */
    public static List<String> builtInNames() {
        return BUILT_IN_NAMES;
    }

    /** Loads files given on a command line; an empty list is the built-in Bookinfo mesh. */
    public Topology load(List<Path> files) {
        requireNonNull(files, "files");
        LoadRun run = new LoadRun(reader);
        for (Path file : files) {
            run.readFile(file, file.normalize().toString());
        }
        return finish(run);
    }

    /** Loads YAML text as if it were the file {@code fileName} (includes resolve against its folder). */
    public Topology loadString(String fileName, String yaml) {
        requireNonNull(fileName, "fileName");
        requireNonNull(yaml, "yaml");
        LoadRun run = new LoadRun(reader);
        run.readText(Path.of(fileName), fileName, yaml);
        return finish(run);
    }

    /**
     * Loads resources only (what {@code kubectl apply -f} sends to a running mesh): their default
     * namespace is {@code mesh}'s; a {@code Mesh} document among them is an error, since a running mesh
     * cannot change its services.
     */
    public List<MeshResource> loadResources(String fileName, String yaml, MeshSpec mesh) {
        requireNonNull(mesh, "mesh");
        LoadRun run = new LoadRun(reader);
        run.readText(Path.of(fileName), fileName, yaml);
        if (run.meshDocument != null) {
            run.problems.add(Problem.error(ProblemCodes.SECOND_MESH, run.meshDocument.position(), "",
                    "a Mesh document in resources applied to the running mesh `" + mesh.name()
                            + "` (expected: mesh resources only; restart the mesh to change its services)"));
            run.meshDocument = null;
        }
        return finish(run, mesh).resources();
    }

    /** The built-in Bookinfo mesh. */
    public Topology builtIn() {
        return builtIn(DEFAULT_BUILT_IN);
    }

    /** A built-in mesh by name (see {@link #builtInNames()}). */
    public Topology builtIn(String name) {
        if (!BUILT_IN_NAMES.contains(name)) {
            throw new TopologyException(Problem.error(ProblemCodes.FILE_UNREADABLE, new Position(name, 0, 0), "",
                    "no built-in topology `" + name + "` (expected one of: " + String.join(", ", BUILT_IN_NAMES) + ")"
                            + Suggestions.didYouMean(name, BUILT_IN_NAMES)));
        }
        String file = name + ".yaml";
        LoadRun run = new LoadRun(reader);
        run.readBuiltIn(file, readResource(file));
        return finish(run);
    }

    private static byte[] readResource(String file) {
        try (InputStream in = TopologyLoader.class.getClassLoader().getResourceAsStream(BUILT_IN_DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("built-in topology missing from the classpath: " + BUILT_IN_DIR + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Topology finish(LoadRun run) {
        return finish(run, null);
    }

    private Topology finish(LoadRun run, MeshSpec base) {
        List<Problem> problems = run.problems;
        MeshSpec mesh;
        List<MeshResource> resources = new ArrayList<>();
        if (run.meshDocument != null) {
            mesh = new MeshBinder(problems).bind(run.meshDocument);
        } else if (base != null) {
            mesh = base;
        } else {
            Topology bookinfo = builtIn();
            mesh = bookinfo.mesh();
            resources.addAll(bookinfo.resources());
        }
        ResourceBinder binder = new ResourceBinder(problems);
        for (LoadRun.Document doc : run.resources) {
            if (binder.checkType(doc.root(), doc.type())) {
                binder.bind(doc.root(), doc.type(), mesh.namespace()).ifPresent(resources::add);
            }
        }
        checkDuplicates(resources, problems);
        List<Problem> sorted = sort(problems, run.fileOrder);
        if (sorted.stream().anyMatch(p -> p.severity() == Severity.ERROR)) {
            throw new TopologyException(sorted);
        }
        return new Topology(mesh, resources, sorted, run.files);
    }

    private static void checkDuplicates(List<MeshResource> resources, List<Problem> problems) {
        Map<String, MeshResource> seen = new HashMap<>();
        for (MeshResource r : resources) {
            MeshResource first = seen.putIfAbsent(r.key(), r);
            if (first != null) {
                problems.add(Problem.error(ProblemCodes.DUPLICATE_RESOURCE, r.position(), "",
                        "duplicate " + r.kind() + " `" + r.namespace() + "/" + r.name() + "` (first at " + first.position()
                                + "; expected: each resource once per kind, namespace and name)"));
            }
        }
    }

    private static List<Problem> sort(List<Problem> problems, Map<String, Integer> fileOrder) {
        List<Problem> out = new ArrayList<>(problems);
        out.sort(Comparator.<Problem>comparingInt(p -> fileOrder.getOrDefault(p.position().file(), Integer.MAX_VALUE))
                .thenComparingInt(p -> p.position().line())
                .thenComparingInt(p -> p.position().column()));
        return out;
    }
}

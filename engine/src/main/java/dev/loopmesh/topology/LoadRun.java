package dev.loopmesh.topology;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One load: reads files and their includes into documents, remembering the {@code Mesh} document and
 * the resource documents, and collecting problems on the way.
 */
final class LoadRun {
    /** More included files than any sane topology has; a glob like {@code /**} stops here. */
    static final int MAX_FILES = 1000;
    private static final int MAX_GLOB_DEPTH = 16;

    record Document(YamlNode.Mapping root, ResourceBinder.TypeInfo type) {
    }

    private record Link(Path absolute, String display) {
    }

    final List<Problem> problems = new ArrayList<>();
    final List<Document> resources = new ArrayList<>();
    final List<String> files = new ArrayList<>();
    final Map<String, Integer> fileOrder = new LinkedHashMap<>();
    YamlNode.Mapping meshDocument;

    private final YamlReader reader;
    private final ResourceBinder types;
    private final Fields fields;
    private final Set<Path> seen = new HashSet<>();
    private int fileCount;

    LoadRun(YamlReader reader) {
        this.reader = reader;
        this.types = new ResourceBinder(problems);
        this.fields = Fields.forMesh(problems);
    }

    void readFile(Path file, String display) {
        read(file, display, List.of(), () -> reader.read(file, display), true);
    }

    void readText(Path file, String display, String text) {
        read(file, display, List.of(), () -> reader.readString(display, text), false);
    }

    void readBuiltIn(String display, byte[] bytes) {
        read(Path.of(display), display, List.of(), () -> reader.read(display, bytes), false);
    }

    private void read(Path file, String display, List<Link> chain, Supplier<List<YamlNode>> documents, boolean onDisk) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!seen.add(absolute)) {
            return;
        }
        fileOrder.putIfAbsent(display, fileOrder.size());
        if (++fileCount > MAX_FILES) {
            problems.add(Problem.error(ProblemCodes.INCLUDE_MISSING, new Position(display, 0, 0), "",
                    "more than " + MAX_FILES + " files (expected: at most " + MAX_FILES + "; is an include glob too wide?)"));
            return;
        }
        List<YamlNode> nodes;
        try {
            nodes = documents.get();
        } catch (TopologyException e) {
            problems.addAll(e.problems());
            return;
        }
        if (onDisk) {
            files.add(absolute.toString());
        }
        List<YamlNode.Mapping> includers = new ArrayList<>();
        for (YamlNode node : nodes) {
            if (node instanceof YamlNode.Scalar s && s.isNull()) {
                continue;
            }
            if (!(node instanceof YamlNode.Mapping doc)) {
                problems.add(Problem.error(ProblemCodes.NOT_A_MAP, node.position(), "", "document is " + Fields.got(node)
                        + " (expected: a map with apiVersion, kind, metadata and spec)"));
                continue;
            }
            Optional<ResourceBinder.TypeInfo> type = types.type(doc);
            if (type.isEmpty()) {
                continue;
            }
            if (!type.get().isMesh()) {
                resources.add(new Document(doc, type.get()));
            } else if (types.checkType(doc, type.get())) {
                if (meshDocument == null) {
                    meshDocument = doc;
                } else {
                    problems.add(Problem.error(ProblemCodes.SECOND_MESH, doc.position(), "", "a second Mesh document (the first is at "
                            + meshDocument.position() + "; expected: one Mesh per topology, other files add resources only)"));
                }
                includers.add(doc);
            }
        }
        List<Link> inner = new ArrayList<>(chain);
        inner.add(new Link(absolute, display));
        for (YamlNode.Mapping doc : includers) {
            Fields.value(doc, "include").ifPresent(n -> include(n, file, display, inner));
        }
    }

    private void include(YamlNode node, Path includer, String includerDisplay, List<Link> chain) {
        List<YamlNode> entries = node instanceof YamlNode.Sequence s ? s.items() : List.of(node);
        for (YamlNode entry : entries) {
            fields.text(entry, "a path or glob relative to this file, like policies/*.yaml").ifPresent(pattern -> {
                Path base = Optional.ofNullable(includer.toAbsolutePath().normalize().getParent()).orElse(Path.of("/"));
                List<Path> matches = resolve(base, pattern, entry);
                for (Path match : matches) {
                    Path absolute = match.toAbsolutePath().normalize();
                    String display = display(includerDisplay, base, absolute);
                    int at = indexOf(chain, absolute);
                    if (at >= 0) {
                        StringBuilder cycle = new StringBuilder("include cycle: ");
                        for (Link link : chain.subList(at, chain.size())) {
                            cycle.append(link.display()).append(" → ");
                        }
                        cycle.append(display);
                        String what = at == chain.size() - 1 ? "`" + display + "` includes itself" : cycle.toString();
                        String through = pattern.equals(base.relativize(absolute).toString()) ? "" : " through `" + pattern + "`";
                        problems.add(Problem.error(ProblemCodes.INCLUDE_CYCLE, entry.position(), entry.path(), what + through
                                + " (expected: files that do not include themselves)"));
                        continue;
                    }
                    read(absolute, display, chain, () -> reader.read(absolute, display), true);
                }
            });
        }
    }

    private static int indexOf(List<Link> chain, Path absolute) {
        for (int i = 0; i < chain.size(); i++) {
            if (chain.get(i).absolute().equals(absolute)) {
                return i;
            }
        }
        return -1;
    }

    /** Names an included file as the user would: relative to where the including file was named from. */
    private static String display(String includerDisplay, Path base, Path absolute) {
        Path parent = Path.of(includerDisplay).getParent();
        Path relative = absolute.startsWith(base) ? base.relativize(absolute) : absolute;
        if (relative.isAbsolute()) {
            return relative.toString();
        }
        return (parent == null ? relative : parent.resolve(relative)).normalize().toString();
    }

    private List<Path> resolve(Path base, String pattern, YamlNode entry) {
        if (!isGlob(pattern)) {
            Path target = base.resolve(pattern).normalize();
            if (Files.isDirectory(target)) {
                return listYaml(target);
            }
            if (!Files.exists(target)) {
                problems.add(Problem.error(ProblemCodes.INCLUDE_MISSING, entry.position(), entry.path(), "included file `" + pattern
                        + "` not found (expected: a path relative to this file, resolved to " + target + ")"));
                return List.of();
            }
            return List.of(target);
        }
        List<Path> matches = glob(base, pattern);
        if (matches.isEmpty()) {
            problems.add(Problem.warning(ProblemCodes.INCLUDE_NO_MATCH, entry.position(), entry.path(),
                    "include `" + pattern + "` matches no file (in " + base + ")"));
        }
        return matches;
    }

    private static boolean isGlob(String pattern) {
        return pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    private static List<Path> listYaml(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Files under {@code base} matching a glob ({@code **} crosses folders), sorted. */
    private static List<Path> glob(Path base, String pattern) {
        String[] segments = pattern.split("/");
        Path root = pattern.startsWith("/") ? Path.of("/") : base;
        int i = 0;
        while (i < segments.length && !isGlob(segments[i])) {
            if (!segments[i].isEmpty()) {
                root = root.resolve(segments[i]);
            }
            i++;
        }
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        String rest = String.join("/", java.util.Arrays.copyOfRange(segments, i, segments.length));
        int depth = rest.contains("**") ? MAX_GLOB_DEPTH : segments.length - i;
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        Path start = root;
        try (Stream<Path> s = Files.walk(start, depth)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> matcher.matches(start.relativize(p)))
                    .sorted().limit(MAX_FILES + 1L).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }
}

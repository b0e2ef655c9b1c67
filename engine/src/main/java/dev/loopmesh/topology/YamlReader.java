package dev.loopmesh.topology;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import org.snakeyaml.engine.v2.scanner.StreamReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Reads multi-document YAML into {@link YamlNode} trees that remember file, line, column and path.
 * Hostile input costs bounded time and memory: the size is checked before reading, and aliases,
 * nesting depth and the number of values after expanding aliases are limited. Any failure is a
 * {@link TopologyException} whose problems point at the offending spot.
 */
public final class YamlReader {

    /**
     * @param maxBytes   largest file accepted, checked before reading
     * @param maxAliases most alias references ({@code *name}) in one file
     * @param maxDepth   deepest nesting of lists and maps
     * @param maxNodes   most values in one file, counting each expansion of an alias
     */
    public record Limits(long maxBytes, int maxAliases, int maxDepth, int maxNodes) {
        public static final Limits DEFAULT = new Limits(8L << 20, 100, 100, 250_000);

        public Limits {
            if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE / 2) {
                throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: 1.." + Integer.MAX_VALUE / 2 + ")");
            }
            if (maxAliases < 0 || maxDepth < 1 || maxNodes < 1) {
                throw new IllegalArgumentException("limits: " + maxAliases + ", " + maxDepth + ", " + maxNodes
                        + " (expected: maxAliases >= 0, maxDepth >= 1, maxNodes >= 1)");
            }
        }
    }

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private final Limits limits;

    public YamlReader() {
        this(Limits.DEFAULT);
    }

    public YamlReader(Limits limits) {
        this.limits = requireNonNull(limits, "limits");
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Every document of a file, in order; an empty document ({@code ---} followed by nothing) is a null
     * scalar. {@code displayName} is the name positions carry, usually the path as the user wrote it.
     */
    public List<YamlNode> read(Path file, String displayName) {
        Position where = new Position(displayName, 0, 0);
        if (!Files.exists(file)) {
            throw new TopologyException(Problem.error(ProblemCodes.FILE_UNREADABLE, where, "",
                    "file not found (expected: a YAML file)"));
        }
        if (Files.isDirectory(file)) {
            throw new TopologyException(Problem.error(ProblemCodes.FILE_UNREADABLE, where, "",
                    "is a directory (expected: a YAML file)"));
        }
        try {
            long size = Files.size(file);
            checkSize(size, where);
            return read(displayName, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new TopologyException(Problem.error(ProblemCodes.FILE_UNREADABLE, where, "",
                    "cannot read file: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        }
    }

    public List<YamlNode> read(String displayName, byte[] bytes) {
        Position where = new Position(displayName, 0, 0);
        checkSize(bytes.length, where);
        return parse(displayName, YamlText.decode(displayName, bytes));
    }

    public List<YamlNode> readString(String displayName, String text) {
        return read(displayName, text.getBytes(StandardCharsets.UTF_8));
    }

    private void checkSize(long size, Position where) {
        if (size > limits.maxBytes()) {
            throw new TopologyException(Problem.error(ProblemCodes.FILE_TOO_LARGE, where, "",
                    "file is " + formatSize(size, false) + " (expected: at most " + formatSize(limits.maxBytes(), true) + ")"));
        }
    }

    /** {@code 52428800} → "50.0 MiB"; a limit reads better without the decimal: "8 MiB". */
    static String formatSize(long bytes, boolean trimWhole) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        boolean mib = bytes >= 1L << 20;
        double v = bytes / (double) (mib ? 1L << 20 : 1024);
        String s = String.format(Locale.ROOT, "%.1f", v);
        if (trimWhole && s.endsWith(".0")) {
            s = s.substring(0, s.length() - 2);
        }
        return s + (mib ? " MiB" : " KiB");
    }

    // --- parsing ---

    private List<YamlNode> parse(String file, String text) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file)
                .setSchema(new CoreSchema())
                .setUseMarks(true)
                .setAllowRecursiveKeys(false)
                .setAllowNonScalarKeys(true)
                .setMaxAliasesForCollections(Math.max(limits.maxAliases() + 1, 50))
                .setCodePointLimit((int) limits.maxBytes() + 16)
                .build();
        Parser parser = new LimitingParser(new ParserImpl(settings, new StreamReader(settings, text)), file);
        Composer composer = new Composer(settings, parser);
        Converter converter = new Converter(file);
        List<YamlNode> documents = new ArrayList<>();
        try {
            while (composer.hasNext()) {
                documents.add(converter.convert(composer.next(), "", 0));
            }
        } catch (LimitExceeded e) {
            throw new TopologyException(e.problem);
        } catch (MarkedYamlEngineException e) {
            throw new TopologyException(syntaxProblem(file, e));
        } catch (YamlEngineException e) {
            throw new TopologyException(Problem.error(ProblemCodes.YAML_SYNTAX, new Position(file, 0, 0), "",
                    "invalid YAML: " + e.getMessage()));
        } catch (StackOverflowError e) {
            throw new TopologyException(Problem.error(ProblemCodes.TOO_DEEP, new Position(file, 0, 0), "",
                    "YAML nested too deeply (expected: at most " + limits.maxDepth() + " levels)"));
        }
        if (!converter.problems.isEmpty()) {
            throw new TopologyException(converter.problems);
        }
        if (documents.stream().allMatch(d -> d instanceof YamlNode.Scalar s && s.isNull())) {
            throw new TopologyException(Problem.error(ProblemCodes.EMPTY, new Position(file, 0, 0), "",
                    "file has no YAML documents (expected: a `kind: Mesh` document or mesh resources)"));
        }
        return documents;
    }

    private static Problem syntaxProblem(String file, MarkedYamlEngineException e) {
        Position at = e.getProblemMark().map(m -> position(file, m)).orElse(new Position(file, 0, 0));
        StringBuilder message = new StringBuilder("invalid YAML: ").append(e.getProblem() == null ? "syntax error" : e.getProblem().trim());
        if (e.getContext() != null) {
            message.append(" (").append(e.getContext().trim());
            e.getContextMark().ifPresent(m -> message.append(" at line ").append(m.getLine() + 1).append(", column ").append(m.getColumn() + 1));
            message.append(')');
        }
        if (e.getProblem() != null && e.getProblem().contains("mapping values are not allowed")) {
            message.append(" — is the indentation off, or does a value with `: ` need quotes?");
        }
        return Problem.error(ProblemCodes.YAML_SYNTAX, at, "", message.toString());
    }

    static Position position(String file, Mark mark) {
        return new Position(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    private static final class LimitExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Problem problem;

        LimitExceeded(Problem problem) {
            super(problem.message(), null, false, false);
            this.problem = problem;
        }
    }

    /** Counts depth and aliases as events stream by, so a hostile file fails before it is composed. */
    private final class LimitingParser implements Parser {
        private final Parser delegate;
        private final String file;
        private int depth;
        private int aliases;

        LimitingParser(Parser delegate, String file) {
            this.delegate = delegate;
            this.file = file;
        }

        @Override
        public boolean checkEvent(Event.ID id) {
            return delegate.checkEvent(id);
        }

        @Override
        public Event peekEvent() {
            return delegate.peekEvent();
        }

        @Override
        public boolean hasNext() {
            return delegate.hasNext();
        }

        @Override
        public Event next() {
            Event event = delegate.next();
            switch (event.getEventId()) {
                case SequenceStart, MappingStart -> {
                    if (++depth > limits.maxDepth()) {
                        throw new LimitExceeded(Problem.error(ProblemCodes.TOO_DEEP, at(event), "",
                                "YAML nested more than " + limits.maxDepth() + " levels deep (expected: at most "
                                        + limits.maxDepth() + ")"));
                    }
                }
                case SequenceEnd, MappingEnd -> depth--;
                case Alias -> {
                    if (++aliases > limits.maxAliases()) {
                        throw new LimitExceeded(Problem.error(ProblemCodes.YAML_BOMB, at(event), "",
                                "more than " + limits.maxAliases() + " aliases (expected: at most " + limits.maxAliases()
                                        + "; is this a YAML bomb like billion laughs?)"));
                    }
                }
                default -> {
                }
            }
            return event;
        }

        private Position at(Event event) {
            return event.getStartMark().map(m -> position(file, m)).orElse(new Position(file, 0, 0));
        }
    }

    /** Composed nodes to {@link YamlNode}s, with paths; duplicate and non-string keys become problems. */
    private final class Converter {
        private final String file;
        private final List<Problem> problems = new ArrayList<>();
        private final Map<Node, Boolean> onStack = new IdentityHashMap<>();
        private int nodes;

        Converter(String file) {
            this.file = file;
        }

        YamlNode convert(Node node, String path, int depth) {
            if (++nodes > limits.maxNodes()) {
                throw new LimitExceeded(Problem.error(ProblemCodes.YAML_BOMB, pos(node), path,
                        "more than " + limits.maxNodes() + " values after expanding aliases (expected: at most "
                                + limits.maxNodes() + "; is this a YAML bomb?)"));
            }
            if (depth > limits.maxDepth()) {
                throw new LimitExceeded(Problem.error(ProblemCodes.TOO_DEEP, pos(node), path,
                        "YAML nested more than " + limits.maxDepth() + " levels deep through aliases (expected: at most "
                                + limits.maxDepth() + ")"));
            }
            if (node instanceof ScalarNode scalar) {
                boolean isNull = Tag.NULL.equals(scalar.getTag()) && scalar.isPlain();
                return new YamlNode.Scalar(isNull ? null : scalar.getValue(), !scalar.isPlain(), pos(node), path);
            }
            if (onStack.put(node, Boolean.TRUE) != null) {
                throw new LimitExceeded(Problem.error(ProblemCodes.YAML_BOMB, pos(node), path,
                        "recursive alias: a list or map contains itself (expected: a tree)"));
            }
            try {
                if (node instanceof SequenceNode sequence) {
                    List<YamlNode> items = new ArrayList<>(sequence.getValue().size());
                    int i = 0;
                    for (Node item : sequence.getValue()) {
                        items.add(convert(item, path + "[" + i++ + "]", depth + 1));
                    }
                    return new YamlNode.Sequence(items, pos(node), path);
                }
                return convertMapping((MappingNode) node, path, depth);
            } finally {
                onStack.remove(node);
            }
        }

        private YamlNode convertMapping(MappingNode mapping, String path, int depth) {
            Map<String, YamlNode> entries = new LinkedHashMap<>();
            Map<String, Position> keyPositions = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                Node keyNode = tuple.getKeyNode();
                Position keyPos = pos(keyNode);
                if (!(keyNode instanceof ScalarNode keyScalar)) {
                    problems.add(Problem.error(ProblemCodes.NON_STRING_KEY, keyPos, path,
                            "a " + (keyNode instanceof SequenceNode ? "list" : "map") + " used as a key (expected: a string key)"));
                    continue;
                }
                if (Tag.NULL.equals(keyScalar.getTag()) && keyScalar.isPlain()) {
                    problems.add(Problem.error(ProblemCodes.NON_STRING_KEY, keyPos, path,
                            "a null key (expected: a string key)"));
                    continue;
                }
                String key = keyScalar.getValue();
                String childPath = childPath(path, key);
                if (entries.containsKey(key)) {
                    Position first = keyPositions.get(key);
                    problems.add(Problem.error(ProblemCodes.DUPLICATE_KEY, keyPos, childPath,
                            "duplicate key `" + key + "` (first at line " + first.line() + ", column " + first.column()
                                    + "; expected: each key once)"));
                    continue;
                }
                keyPositions.put(key, keyPos);
                entries.put(key, convert(tuple.getValueNode(), childPath, depth + 1));
            }
            return new YamlNode.Mapping(entries, keyPositions, pos(mapping), path);
        }

        private Position pos(Node node) {
            Optional<Mark> mark = node.getStartMark();
            return mark.map(m -> position(file, m)).orElse(new Position(file, 0, 0));
        }
    }

    /** {@code spec.services} + {@code name} → {@code spec.services.name}; odd keys are quoted: {@code labels["a.b/c"]}. */
    public static String childPath(String path, String key) {
        if (PLAIN_KEY.matcher(key).matches()) {
            return path.isEmpty() ? key : path + "." + key;
        }
        return path + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }
}

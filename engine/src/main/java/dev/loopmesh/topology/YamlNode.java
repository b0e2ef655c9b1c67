package dev.loopmesh.topology;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML value that remembers where it was written and its path in the document, so that any later
 * check (the validator, the control plane's translator) can point at the exact line and column.
 */
public sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Sequence, YamlNode.Mapping {

    Position position();

    /** The path from the document root, like {@code spec.http[0].route[1].weight}. */
    String path();

    /** A short name of the kind of value, for messages: "a string", "a list", "a map". */
    String describe();

    /**
     * The value without positions (maps, lists, strings and nulls), to compare what two documents say
     * regardless of where they say it.
     */
    default Object plain() {
        if (this instanceof Scalar) {
            return ((Scalar) this).value();
        }
        if (this instanceof Sequence) {
            List<Object> out = new java.util.ArrayList<>();
            ((Sequence) this).items().forEach(i -> out.add(i.plain()));
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ((Mapping) this).entries().forEach((k, v) -> out.put(k, v.plain()));
        return out;
    }

    /** A scalar: a string, number, boolean or null as written; {@code value} is null for YAML null. */
    record Scalar(String value, boolean quoted, Position position, String path) implements YamlNode {
        public boolean isNull() {
            return value == null;
        }

        @Override
        public String describe() {
            return value == null ? "null" : "the value `" + value + "`";
        }
    }

    record Sequence(List<YamlNode> items, Position position, String path) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A mapping with string keys, in the order written; {@code keyPositions} point at each key. */
    record Mapping(Map<String, YamlNode> entries, Map<String, Position> keyPositions, Position position, String path)
            implements YamlNode {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
            keyPositions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keyPositions));
        }

        public Optional<YamlNode> get(String key) {
            return Optional.ofNullable(entries.get(key));
        }

        public Position keyPosition(String key) {
            return keyPositions.getOrDefault(key, position);
        }

        @Override
        public String describe() {
            return "a map";
        }
    }
}

package dev.loopmesh.app.editor;

import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.YamlNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * YAML text from values, without a YAML library (the app must not use one): plain maps, lists and
 * strings, or the engine's positioned {@link YamlNode}s, written in block style as {@code kubectl get -o yaml}
 * would. Parsing stays with the engine ({@code Mesh.parseResources}).
 */
public final class YamlText {
    /** A string that was quoted where it was written, and stays so (e.g. {@code "80"}). */
    public record Quoted(String value) {
    }

    private static final Pattern PLAIN_NON_STRING = Pattern.compile(
            "(?i)(true|false|yes|no|on|off|null|~|[-+]?[0-9][0-9_]*(\\.[0-9]*)?([eE][-+]?[0-9]+)?|0x[0-9a-f]+)");

    private YamlText() {
    }

    /** A resource as a whole document: apiVersion, kind, metadata, spec. */
    public static String of(MeshResource r) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", r.name());
        metadata.put("namespace", r.namespace());
        if (!r.labels().isEmpty()) {
            metadata.put("labels", new LinkedHashMap<>(r.labels()));
        }
        if (!r.annotations().isEmpty()) {
            metadata.put("annotations", new LinkedHashMap<>(r.annotations()));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", r.apiVersion());
        doc.put("kind", r.kind());
        doc.put("metadata", metadata);
        doc.put("spec", plain(r.spec()));
        return write(doc);
    }

    /** A positioned node as plain values: maps keep their order, scalars are strings (or {@link Quoted}). */
    public static Object plain(YamlNode node) {
        if (node instanceof YamlNode.Mapping m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.entries().forEach((k, v) -> out.put(k, plain(v)));
            return out;
        }
        if (node instanceof YamlNode.Sequence s) {
            List<Object> out = new ArrayList<>();
            s.items().forEach(i -> out.add(plain(i)));
            return out;
        }
        YamlNode.Scalar sc = (YamlNode.Scalar) node;
        if (sc.value() == null) {
            return null;
        }
        return sc.quoted() && PLAIN_NON_STRING.matcher(sc.value()).matches() ? new Quoted(sc.value()) : sc.value();
    }

    /** A top-level mapping as block YAML, ending with a newline. */
    public static String write(Map<String, ?> doc) {
        StringBuilder out = new StringBuilder();
        mapping(out, doc, 0);
        return out.toString();
    }

    private static void mapping(StringBuilder out, Map<String, ?> m, int indent) {
        for (Map.Entry<String, ?> e : m.entrySet()) {
            out.append(" ".repeat(indent)).append(key(e.getKey())).append(':');
            value(out, e.getValue(), indent);
        }
    }

    /** After {@code key:} — inline for scalars and empty collections, on the next lines otherwise. */
    private static void value(StringBuilder out, Object v, int indent) {
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            out.append('\n');
            mapping(out, cast(m), indent + 2);
        } else if (v instanceof List<?> l && !l.isEmpty()) {
            out.append('\n');
            sequence(out, l, indent);
        } else {
            out.append(' ').append(inline(v)).append('\n');
        }
    }

    private static void sequence(StringBuilder out, List<?> items, int indent) {
        String dash = " ".repeat(indent) + "- ";
        for (Object item : items) {
            if (item instanceof Map<?, ?> m && !m.isEmpty()) {
                StringBuilder inner = new StringBuilder();
                mapping(inner, cast(m), indent + 2);
                out.append(dash).append(inner.substring(indent + 2));
            } else if (item instanceof List<?> l && !l.isEmpty()) {
                out.append(dash.stripTrailing()).append('\n');
                sequence(out, l, indent + 2);
            } else {
                out.append(dash).append(inline(item)).append('\n');
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> cast(Map<?, ?> m) {
        return (Map<String, ?>) m;
    }

    private static String inline(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map<?, ?>) {
            return "{}";
        }
        if (v instanceof List<?>) {
            return "[]";
        }
        if (v instanceof Quoted q) {
            return quote(q.value());
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        String s = v.toString();
        return needsQuotes(s) ? quote(s) : s;
    }

    private static String key(String k) {
        return needsQuotes(k) || PLAIN_NON_STRING.matcher(k).matches() && !k.matches("[0-9]+") ? quote(k) : k;
    }

    static boolean needsQuotes(String s) {
        if (s.isEmpty() || !s.equals(s.strip())) {
            return true;
        }
        char c = s.charAt(0);
        if ("-?:,[]{}#&*!|>'\"%@`".indexOf(c) >= 0 && !(c == '-' && s.length() > 1 && Character.isDigit(s.charAt(1)))) {
            return true;
        }
        return s.contains(": ") || s.contains(" #") || s.endsWith(":") || s.contains("\n") || s.contains("\t");
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** {@code 7s}, {@code 250ms}: how Istio durations are written. */
    public static String duration(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** {@code 50}, {@code 12.5}. */
    public static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}

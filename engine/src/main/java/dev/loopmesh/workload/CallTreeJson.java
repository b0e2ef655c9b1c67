package dev.loopmesh.workload;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes call trees by hand (one pass into a StringBuilder, no reflection: every request writes one)
 * and reads them back with Jackson (only callers parse, and they may get any body).
 */
public final class CallTreeJson {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String PADDING = "x".repeat(4096);

    private CallTreeJson() {
    }

    public static String write(CallTree tree) {
        return write(tree, 0);
    }

    /** Writes {@code tree}, padded with a {@code "padding"} field up to about {@code size} characters. */
    public static String write(CallTree tree, int size) {
        StringBuilder sb = new StringBuilder(Math.max(256, size + 16));
        writeFields(tree, sb);
        if (size > 0) {
            int room = size - sb.length() - ",\"padding\":\"\"}".length();
            if (room > 0) {
                sb.append(",\"padding\":\"");
                for (int left = room; left > 0; left -= PADDING.length()) {
                    sb.append(PADDING, 0, Math.min(left, PADDING.length()));
                }
                sb.append('"');
            }
        }
        return sb.append('}').toString();
    }

    private static void writeFields(CallTree t, StringBuilder sb) {
        sb.append("{\"service\":");
        string(t.service(), sb);
        sb.append(",\"version\":");
        string(t.version(), sb);
        sb.append(",\"pod\":");
        string(t.pod(), sb);
        sb.append(",\"status\":").append(t.status());
        sb.append(",\"durationMs\":");
        millis(t.durationMs(), sb);
        sb.append(",\"responseFlags\":");
        string(t.responseFlags(), sb);
        sb.append(",\"error\":");
        string(t.error(), sb);
        sb.append(",\"calls\":[");
        for (int i = 0; i < t.calls().size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            writeFields(t.calls().get(i), sb);
            sb.append('}');
        }
        sb.append(']');
    }

    /** {@code ms} with three decimals, as {@code %.3f} would write it, without a Formatter per request. */
    static void millis(double ms, StringBuilder sb) {
        if (!Double.isFinite(ms) || Math.abs(ms) >= 1e12) {
            sb.append(String.format(Locale.ROOT, "%.3f", ms));
            return;
        }
        long thousandths = Math.round(ms * 1000);
        if (thousandths < 0) {
            sb.append('-');
            thousandths = -thousandths;
        }
        long frac = thousandths % 1000;
        sb.append(thousandths / 1000).append('.');
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        sb.append(frac);
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** The call tree in {@code body}, or null when the body is not one (an Envoy 503 page, a real app's answer). */
    public static CallTree parse(String body) {
        if (body == null || body.isEmpty() || body.charAt(0) != '{') {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            return node.isObject() && node.get("service") != null && node.get("calls") != null ? fromNode(node) : null;
        } catch (JacksonException | IllegalArgumentException e) {
            return null;
        }
    }

    private static CallTree fromNode(JsonNode n) {
        List<CallTree> calls = new ArrayList<>();
        for (JsonNode c : n.path("calls").values()) {
            if (c.isObject()) {
                calls.add(fromNode(c));
            }
        }
        return new CallTree(n.path("service").asString(""), n.path("version").asString(""), n.path("pod").asString(""),
                n.path("status").asInt(0), n.path("durationMs").asDouble(0), n.path("responseFlags").asString(""),
                n.path("error").asString(""), calls);
    }
}

package dev.loopmesh.app.graph;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** What Envoy's response flags mean, for tooltips (Envoy access log docs, "%RESPONSE_FLAGS%"). */
public final class ResponseFlags {
    private static final Map<String, String> MEANING = new LinkedHashMap<>();

    static {
        MEANING.put("UH", "no healthy upstream host (all ejected or none)");
        MEANING.put("UF", "upstream connection failure");
        MEANING.put("UO", "upstream overflow: connection limits (circuit breaking) hit");
        MEANING.put("NR", "no route configured for the request");
        MEANING.put("URX", "upstream retry limit or max connect attempts reached");
        MEANING.put("UT", "upstream request timeout");
        MEANING.put("UC", "upstream connection termination");
        MEANING.put("UR", "upstream remote reset");
        MEANING.put("LR", "connection local reset");
        MEANING.put("DC", "downstream connection termination");
        MEANING.put("DI", "request delayed by fault injection");
        MEANING.put("FI", "request aborted by fault injection");
        MEANING.put("RL", "rate limited locally (429)");
        MEANING.put("UAEX", "denied by an external authorization service");
        MEANING.put("RLSE", "rate limit service error");
        MEANING.put("SI", "stream idle timeout");
        MEANING.put("DPE", "downstream protocol error");
        MEANING.put("UPE", "upstream protocol error");
    }

    private ResponseFlags() {
    }

    public static String meaning(String flag) {
        return MEANING.getOrDefault(flag, "response flag " + flag);
    }

    /** {@code UO ×3  upstream overflow…}, one line per flag; "" for none. */
    public static String explain(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue() + "  " + meaning(e.getKey()))
                .collect(Collectors.joining("\n"));
    }
}

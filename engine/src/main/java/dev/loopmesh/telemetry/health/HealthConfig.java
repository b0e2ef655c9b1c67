package dev.loopmesh.telemetry.health;

import java.util.List;
import java.util.Map;

/**
 * How traffic health is judged: a list of {@link Tolerance}s, each giving a status, the worst one wins.
 * {@link #KIALI_DEFAULT} is Kiali's default {@code health_config} ("Traffic Health" in Kiali's docs;
 * business/health_calculator.go): for HTTP, 5xx are application errors with degraded 0 and failure 10 —
 * any 5xx makes an edge degraded, 10 % or more makes it fail — and 4xx are client errors with degraded
 * 10 and failure 20; for gRPC, statuses 1–16 with degraded 0 and failure 10.
 *
 * <p>A request that got no response at all (status 0, e.g. the client went away: DC) matches none of
 * Kiali's code patterns, so, as in Kiali, it does not count against health — although the success rate
 * counts it as a failure.
 */
public record HealthConfig(List<Tolerance> tolerances) {
    public static final HealthConfig KIALI_DEFAULT = new HealthConfig(List.of(
            Tolerance.of("^5\\d\\d$", "http", 0, 10),
            Tolerance.of("^4\\d\\d$", "http", 10, 20),
            Tolerance.of("^[1-9]$|^1[0-6]$", "grpc", 0, 10)));

    public HealthConfig {
        tolerances = List.copyOf(tolerances);
    }

    /**
     * The health of traffic with these response counts (code → requests) over one window, for HTTP.
     * No requests at all is {@link Health#IDLE}.
     */
    public Health judge(Map<String, Long> responses) {
        return judge(responses, "http");
    }

    public Health judge(Map<String, Long> responses, String protocol) {
        long total = 0;
        for (long n : responses.values()) {
            total += n;
        }
        if (total <= 0) {
            return Health.IDLE;
        }
        Health worst = Health.HEALTHY;
        for (Tolerance t : tolerances) {
            if (!t.protocol().matcher(protocol).find()) {
                continue;
            }
            long errors = 0;
            for (Map.Entry<String, Long> e : responses.entrySet()) {
                if (t.code().matcher(e.getKey()).find()) {
                    errors += e.getValue();
                }
            }
            worst = worst.worse(t.judge(100.0 * errors / total));
        }
        return worst;
    }
}

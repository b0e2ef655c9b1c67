package dev.loopmesh.telemetry.metrics;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.loopmesh.telemetry.metrics.Records.outbound;
import static dev.loopmesh.telemetry.metrics.Records.request;
import static org.assertj.core.api.Assertions.assertThat;

/** Lints the exposition with a real Prometheus' {@code promtool check metrics}; skipped where promtool is absent. */
class PromtoolCheckTest {
    /**
     * promtool 2.x wants durations in seconds, but {@code istio_request_duration_milliseconds} is Istio's own
     * name (Istio "Standard Metrics"): dashboards query it, so it stays and this one lint is expected.
     */
    private static final String ISTIO_UNIT_LINT = "use base unit \"seconds\" instead of \"milliseconds\"";

    private static Optional<Path> promtool() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(File.pathSeparator)).map(d -> Path.of(d, "promtool"))
                .filter(Files::isExecutable).findFirst();
    }

    @Test
    void promtoolFindsNothingButIstiosMillisecondsName() throws Exception {
        Optional<Path> promtool = promtool();
        Assumptions.assumeTrue(promtool.isPresent(), "promtool is not on the PATH (Debian package prometheus)");

        IstioMetrics metrics = new IstioMetrics();
        metrics.record(request("destination", "reviews-v2-0", "productpage-v1", "reviews-v2", "v2", 200, "-", 12_000, 10, 300, true));
        metrics.record(outbound("reviews-v1", "v1", 503, "UO", 300));
        metrics.record(outbound("reviews-v3", "v3", 504, "UT", 3_000_000));
        metrics.tcpOpened(new TcpLabels("source", "a-v1", "default", "", "b-v1", "default", "", "v1", "b.default.svc.cluster.local",
                "-", false)).sent(10);
        metrics.proxyCounters().pendingOverflow("productpage-v1-0", "outbound|9080|v1|reviews.default.svc.cluster.local");
        metrics.proxyCounters().ejection("productpage-v1-0", "outbound|9080|v1|reviews.default.svc.cluster.local");
        metrics.proxyCounters().rateLimited("reviews-v1-0");

        Process p = new ProcessBuilder(promtool.get().toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(metrics.scrape().getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<String> problems = out.lines().filter(l -> !l.isBlank()).filter(l -> !l.endsWith(ISTIO_UNIT_LINT)).toList();
        assertThat(problems).as("promtool check metrics said:\n%s", out).isEmpty();
        // 0 = clean, 3 = lint findings only (the expected unit lint); 1 would be a parse error
        assertThat(p.exitValue()).as(out).isIn(0, 3);
    }
}

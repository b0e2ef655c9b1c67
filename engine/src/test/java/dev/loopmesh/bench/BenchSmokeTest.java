package dev.loopmesh.bench;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** End to end, a few hundred requests per configuration: the figures are not checked, only that each path answers. */
class BenchSmokeTest {
    private static ResourceLeakDetector.Level level;

    // surefire runs with Netty's paranoid leak detection, which tracks every buffer with a stack trace and slows
    // the mesh path to a few tens of requests per second; sampled detection still reports leaks
    @BeforeAll
    static void sampleLeakDetection() {
        level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    }

    @AfterAll
    static void restoreLeakDetection() {
        ResourceLeakDetector.setLevel(level);
    }

    @Test
    void directAndMeshConfigurationsRunEndToEnd() throws Exception {
        BenchSettings s = new BenchSettings(100, 2, Duration.ofMillis(1500), Duration.ofMillis(300), Duration.ZERO, 1, 1024,
                List.of(ThroughputBench.DIRECT, ThroughputBench.ONE_SIDECAR, ThroughputBench.MESH), Double.NaN);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BenchReport r = new ThroughputBench(s, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        assertThat(r.configs()).extracting(ConfigResult::name).containsExactly("direct", "one-sidecar", "mesh");
        for (ConfigResult c : r.configs()) {
            assertThat(c.requests()).as(c.name()).isGreaterThanOrEqualTo(100);
            assertThat(c.errors()).as(c.name() + ": " + log.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(c.maxRps()).as(c.name()).isPositive();
            assertThat(c.latency().p50Us()).as(c.name()).isPositive();
        }
        assertThat(r.clientFloor()).isNotNull();
        assertThat(BenchJson.write(r)).contains("\"mesh\"");
    }

    @Test
    void aSmallMeshReportsMemoryPerPodAndPushConvergence() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ScaleReport r = new ScaleBench(new PrintStream(log, true, StandardCharsets.UTF_8)).run(List.of(10), 3, true);
        assertThat(r.results()).hasSize(2);
        for (ScaleResult s : r.results()) {
            assertThat(s.error()).as(log.toString(StandardCharsets.UTF_8)).isNull();
            assertThat(s.applies()).isEqualTo(3);
            // every sidecar routes to svc-0
            assertThat(s.pushedProxies()).isEqualTo(10);
            assertThat(s.convergenceP99Ms()).isPositive();
        }
        assertThat(ScaleReport.json(r)).contains("\"convergenceP99Ms\"");
    }
}

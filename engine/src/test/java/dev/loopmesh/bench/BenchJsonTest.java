package dev.loopmesh.bench;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BenchJsonTest {

    static ConfigResult config(String name, int hops, double p50, double p90, double p99, double maxRps) {
        return new ConfigResult(name, name + " path", hops, new LatencySummary(1000, p50, p90, p99, p99 * 2, p99 * 3), 1000, 0, maxRps,
                12.34, 10, 30, 40, 5, 1.5, 2048, 3);
    }

    static BenchReport report() {
        Machine m = new Machine(2, "Test CPU", "OpenJDK 17", "Linux", 0.5);
        BenchSettings s = new BenchSettings(1000, 16, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, 1, 1024, List.of(), Double.NaN);
        return new BenchReport(m, 0.7, s, List.of(
                config("direct", 0, 40, 60, 100, 20_000),
                config("one-sidecar", 1, 70, 150, 400, 14_000),
                config("mesh", 2, 100, 300, 600, 10_000),
                config("haproxy", 2, 260, 560, 1500, 4_400)),
                List.of(new Skipped("mesh-mtls", "not yet")), config("client-floor", 0, 20, 30, 50, 40_000), 1234);
    }

    @Test
    void theJsonHasTheMachineAndOneEntryPerConfigurationWithTheAgreedFields() {
        JsonNode root = JsonMapper.builder().build().readTree(BenchJson.write(report()));
        assertThat(root.get("machine").isString()).isTrue();
        assertThat(root.get("machine").asString()).contains("2 cores", "Test CPU", "OpenJDK 17");
        JsonNode configs = root.get("configs");
        assertThat(configs.size()).isEqualTo(4);
        for (JsonNode c : configs) {
            for (String field : List.of("name", "p50Us", "p90Us", "p99Us", "p999Us", "maxRps", "cpuUsPerRequest")) {
                assertThat(c.has(field)).as(c.get("name") + " has " + field).isTrue();
            }
        }
        JsonNode mesh = configs.get(2);
        assertThat(mesh.get("name").asString()).isEqualTo("mesh");
        assertThat(mesh.get("p50Us").asDouble()).isEqualTo(100.0);
        assertThat(mesh.get("maxRps").asDouble()).isEqualTo(10_000);
        assertThat(mesh.get("cpuUsPerRequest").asDouble()).isEqualTo(12.3);
        assertThat(mesh.get("addedP50Us").asDouble()).isEqualTo(60.0);
        assertThat(mesh.get("ratios").get("maxRpsToDirect").asDouble()).isEqualTo(0.5);
        assertThat(mesh.get("ratios").get("addedP99ToHaproxy").asDouble()).isEqualTo(Math.round(500.0 / 1400 * 1000) / 1000.0);
        assertThat(root.get("skipped").get(0).get("name").asString()).isEqualTo("mesh-mtls");
        assertThat(root.get("clientFloor").get("name").asString()).isEqualTo("client-floor");
        assertThat(root.get("targets").size()).isEqualTo(4);
    }

    @Test
    void unknownFiguresAreNull() {
        BenchReport r = new BenchReport(report().machine(), Double.NaN, report().settings(),
                List.of(config("direct", 0, 40, 60, 100, Double.NaN)), List.of(), null, 1);
        JsonNode root = JsonMapper.builder().build().readTree(BenchJson.write(r));
        assertThat(root.get("configs").get(0).get("maxRps").isNull()).isTrue();
        assertThat(root.get("machineInfo").get("loadAverageAfter").isNull()).isTrue();
        // no haproxy in this run: the p99 target cannot be judged
        assertThat(root.get("targets").get(2).get("met").isNull()).isTrue();
    }
}

package dev.loopmesh.controlplane;

import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TopologyWatcherTest {
    static final String VS = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - route: [{destination: {host: reviews}}]
                timeout: %s
            """;

    @TempDir
    Path dir;

    private ControlPlane controlPlane(Topology t) {
        ControlPlane cp = new ControlPlane(new MeshTranslator(), RegistryPlanner.perPodAddresses(t.mesh(), 1), Clock.systemUTC(), 100);
        cp.initialSnapshots(t.resources());
        return cp;
    }

    @Test
    void savingAChangedResourceAppliesItAndABrokenFileChangesNothing() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, VS.formatted("1s"));
        TopologyLoader loader = new TopologyLoader();
        Topology t = loader.load(List.of(file));
        ControlPlane cp = controlPlane(t);
        List<TopologyWatcher.Outcome> seen = new CopyOnWriteArrayList<>();
        try (TopologyWatcher w = new TopologyWatcher(t, () -> loader.load(List.of(file)), cp, seen::add)) {
            Files.writeString(file, VS.formatted("2s"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
            assertThat(seen.get(0).lines()).containsExactly("VirtualService default/reviews configured");
            long version = cp.version();

            Files.writeString(file, "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: [");
            TopologyWatcher.Outcome broken = w.reapply();
            assertThat(broken.loadFailed()).isTrue();
            assertThat(broken.lines().get(1)).contains("policy.yaml:3:");
            assertThat(cp.version()).isEqualTo(version);

            Files.writeString(file, "# moved down a line, same content\n" + VS.formatted("2s"));
            assertThat(w.reapply().lines()).containsExactly("saved; nothing changed");

            Files.writeString(file, "# empty now\n---\n");
            Files.writeString(file, VS.formatted("2s").replace("name: reviews}", "name: other}"));
            assertThat(w.reapply().lines()).containsExactly("VirtualService default/other created", "VirtualService default/reviews deleted");
        }
    }
}

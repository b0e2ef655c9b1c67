package dev.loopmesh.mesh;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.testing.OfflineRoute;
import dev.loopmesh.testing.TcpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static dev.loopmesh.testing.TcpTopologies.BY_SNI;
import static dev.loopmesh.testing.TcpTopologies.BY_SOURCE_LABELS;
import static dev.loopmesh.testing.TcpTopologies.DB;
import static dev.loopmesh.testing.TcpTopologies.MESH;
import static dev.loopmesh.testing.TcpTopologies.SPLIT;
import static dev.loopmesh.testing.TcpTopologies.dbVirtualService;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code loopmesh route … tcp://|tls://} agrees with the live mesh (issue 3: "loopmesh route agrees with what the
 * live mesh does on every test case"): for each TCP case of the suite, every live connection lands on one of the
 * endpoints the offline answer names, and a case the offline answer confines to one subset never leaves it.
 */
class TcpRouteAgreementMeshTest {
    private MeshFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private PodInfo pod(String name) {
        return f.mesh.registry().pod(name).orElseThrow();
    }

    /** The offline answer's endpoints, checked against {@code connections} live ones ({@code live} names the pod that answered). */
    private void agree(String resources, String from, Supplier<String> live, String... routeArgs) {
        List<String> args = new ArrayList<>(List.of("--from", from, "--output", "json"));
        args.addAll(List.of(routeArgs));
        OfflineRoute.Run run = OfflineRoute.run(MESH + resources, args.toArray(new String[0]));
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode answer = MeshFixture.JSON.readTree(run.out());
        List<String> endpoints = new ArrayList<>();
        answer.get("endpoints").forEach(e -> endpoints.add(e.asText()));
        assertThat(endpoints).as("offline %s", run.out()).isNotEmpty();
        for (int i = 0; i < 6; i++) {
            assertThat(live.get()).as("live connection %d from %s vs offline %s", i, from, run.out()).isIn(endpoints);
        }
    }

    private void use(String resources) {
        if (!resources.isEmpty()) {
            assertThat(f.apply(resources.replaceFirst("^---\n", "")).allAccepted()).isTrue();
        }
    }

    @Test
    void offlineAnswersMatchLiveConnectionsForEveryTcpCase() {
        f = MeshFixture.start(MESH);
        PodInfo tools = pod("tools-v1-0");
        PodInfo web = pod("web-v1-0");
        Supplier<String> fromTools = () -> TcpClient.exchange(tools.address(), tools.tcpOutbound().get(DB), "t");
        Supplier<String> fromWeb = () -> TcpClient.exchange(web.address(), web.tcpOutbound().get(DB), "w");

        // no VirtualService: the default cluster, every db pod
        agree("", "tools-v1", fromTools, "tcp://db:5432");
        // sourceLabels: tools to v2, web to v1
        use(BY_SOURCE_LABELS);
        agree(BY_SOURCE_LABELS, "tools-v1", fromTools, "tcp://db:5432");
        agree(BY_SOURCE_LABELS, "web-v1", fromWeb, "tcp://db.default:5432");
        // a 50/50 split: each seed's answer names one pick; over seeds both subsets, and live connections land within them
        use(SPLIT);
        java.util.Set<String> picked = new java.util.TreeSet<>();
        for (int seed = 1; seed <= 12; seed++) {
            JsonNode a = MeshFixture.JSON.readTree(OfflineRoute.run(MESH + SPLIT, "--from", "tools-v1", "--output", "json", "--seed",
                    String.valueOf(seed), "tcp://db:5432").out());
            a.get("endpoints").forEach(e -> picked.add(e.asText()));
        }
        assertThat(picked).containsExactly("db-v1-0", "db-v1-1", "db-v2-0");
        for (int i = 0; i < 6; i++) {
            assertThat(fromTools.get()).isIn(picked);
        }
        // SNI: the named host to v2, another name and plain bytes to v1
        use(BY_SNI);
        byte[] v2 = TcpClient.clientHello("v2.db.example.com");
        byte[] other = TcpClient.clientHello("v1.db.example.com");
        agree(BY_SNI, "tools-v1", () -> TcpClient.exchange(tools.address(), tools.tcpOutbound().get(DB), null, v2), "tls://v2.db.example.com:5432");
        agree(BY_SNI, "tools-v1", () -> TcpClient.exchange(tools.address(), tools.tcpOutbound().get(DB), null, other), "tls://v1.db.example.com:5432");
        agree(BY_SNI, "tools-v1", fromTools, "tcp://db:5432");
        // subnets: the live addresses are given to the offline answer as the app would dial and dial from
        String subnets = dbVirtualService("""
                tcp:
                - match: [{destinationSubnets: [%s/32]}, {sourceSubnet: 127.99.0.0/16}]
                  route: [{destination: {host: db, subset: v2}}]
                - route: [{destination: {host: db, subset: v1}}]
                """.formatted(tools.address()));
        use(subnets);
        agree(subnets, "tools-v1", fromTools, "--destination-ip", tools.address(), "tcp://db:5432");
        agree(subnets, "web-v1", fromWeb, "--destination-ip", web.address(), "tcp://db:5432");
        agree(subnets, "web-v1", () -> TcpClient.exchange(web.address(), web.tcpOutbound().get(DB), "127.99.0.1",
                "s\n".getBytes(StandardCharsets.US_ASCII)), "--destination-ip", web.address(), "--source-ip", "127.99.0.1", "tcp://db:5432");
    }
}

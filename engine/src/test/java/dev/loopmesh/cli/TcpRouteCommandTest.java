package dev.loopmesh.cli;

import dev.loopmesh.testing.OfflineRoute;
import org.junit.jupiter.api.Test;

import static dev.loopmesh.testing.TcpTopologies.BY_SNI;
import static dev.loopmesh.testing.TcpTopologies.BY_SOURCE_LABELS;
import static dev.loopmesh.testing.TcpTopologies.MESH;
import static dev.loopmesh.testing.TcpTopologies.SPLIT;
import static dev.loopmesh.testing.TcpTopologies.dbVirtualService;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code loopmesh route … tcp://HOST:PORT | tls://SNI:PORT}: the filter chain, subset and endpoints of a TCP connection, offline. */
class TcpRouteCommandTest {
    @Test
    void answersWhichTcpRuleSubsetAndEndpointsAConnectionGets() {
        OfflineRoute.Run r = OfflineRoute.run(MESH + BY_SOURCE_LABELS, "--from", "tools-v1", "tcp://db:5432");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("proxy:          tools-v1-0", "listener:       db.default.svc.cluster.local:5432",
                "virtualService: default/db tcp rule 0", "cluster:        outbound|5432|v2|db.default.svc.cluster.local",
                "destination:    db.default.svc.cluster.local subset v2 port 5432", "endpoints:      db-v2-0 (",
                "VirtualService default/db tcp rule 0: match 0 applies");
        assertThat(OfflineRoute.run(MESH + BY_SOURCE_LABELS, "--from", "web", "tcp://db.default.svc.cluster.local:5432").out())
                .contains("tcp rule 1", "endpoints:      db-v1-0 (127.1.0.3:15006), db-v1-1 (127.1.0.4:15006)");
    }

    @Test
    void printsJsonInTheShapeOfAnHttpAnswerWithTheListenerKindAndSni() {
        OfflineRoute.Run r = OfflineRoute.run(MESH + BY_SNI, "--from", "tools-v1", "--output", "json", "tls://v2.db.example.com:5432");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("{\"proxy\":\"tools-v1-0\",\"outcome\":\"ROUTE\",\"virtualService\":\"default/db\",\"ruleIndex\":0,"
                + "\"routeName\":\"default/db tls[0]\",\"kind\":\"tls\",\"listener\":\"db.default.svc.cluster.local:5432\","
                + "\"sni\":\"v2.db.example.com\",\"cluster\":\"outbound|5432|v2|db.default.svc.cluster.local\",\"clusterFound\":true,")
                .contains("\"subset\":\"v2\"", "\"endpoints\":[\"db-v2-0\"]", "\"retryAttempts\":0", "\"timeoutMillis\":null");
        // another name takes the tcp rule
        assertThat(OfflineRoute.run(MESH + BY_SNI, "--from", "tools-v1", "--output", "json", "tls://v1.db.example.com:5432").out())
                .contains("\"kind\":\"tcp\"", "\"subset\":\"v1\"");
    }

    @Test
    void aWeightedRuleNamesThePickOfTheSeed() {
        OfflineRoute.Run r = OfflineRoute.run(MESH + SPLIT, "--from", "tools-v1", "--seed", "3", "tcp://db:5432");
        assertThat(r.out()).containsPattern("weighted pick \\(seed 3\\): db.default.svc.cluster.local subset v[12] \\(weight 50 of 100\\)");
    }

    @Test
    void subnetsAreMatchedOnTheAddressesGivenOrTheCallersOwn() {
        String yaml = MESH + dbVirtualService("""
                tcp:
                - match: [{destinationSubnets: [127.1.0.2/32]}, {sourceSubnet: 127.99.0.0/16}]
                  route: [{destination: {host: db, subset: v2}}]
                - route: [{destination: {host: db, subset: v1}}]
                """);
        assertThat(OfflineRoute.run(yaml, "--from", "tools-v1", "tcp://db:5432").out()).contains("subset v2");
        assertThat(OfflineRoute.run(yaml, "--from", "web-v1", "tcp://db:5432").out()).contains("subset v1");
        assertThat(OfflineRoute.run(yaml, "--from", "web-v1", "--source-ip", "127.99.4.4", "tcp://db:5432").out()).contains("subset v2");
        assertThat(OfflineRoute.run(yaml, "--from", "web-v1", "--destination-ip", "127.1.0.2", "tcp://db:5432").out()).contains("subset v2");
    }

    @Test
    void anUnknownListenerOrAMalformedTargetIsBadInput() {
        OfflineRoute.Run r = OfflineRoute.run(MESH, "--from", "tools-v1", "tcp://db:5433");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("tcp://db:5433: tools-v1-0 has no outbound TCP listener for it (expected one of: db.default.svc.cluster.local:5432)");
        assertThat(OfflineRoute.run(MESH, "--from", "tools-v1", "tcp://db").err()).contains("(expected: tcp://HOST:PORT or tls://SNI:PORT");
        assertThat(OfflineRoute.run(MESH, "--from", "ingress", "tcp://db:5432").code()).isEqualTo(2);
    }
}

package dev.loopmesh.testing;

import dev.loopmesh.policy.routing.TcpRoute;

/**
 * The meshes the TCP tests share (translation, live mesh, {@code loopmesh route}): web calls db over TCP,
 * tools is a second client, db has v1 (2 replicas) and v2 with a DestinationRule naming both subsets.
 */
public final class TcpTopologies {
    /** The service key of db's outbound TCP listeners. */
    public static final String DB = TcpRoute.key("db.default.svc.cluster.local", 5432);
    public static final String MESH = mesh("");

    private TcpTopologies() {
    }

    /** The shared mesh with {@code services} (YAML list items, each starting with "- ") added to its services. */
    public static String mesh(String services) {
        return """
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: tcp}
                spec:
                  services:
                  - name: web
                    port: 8080
                    workloads: [{version: v1, behavior: {calls: [{service: db, path: /orders, timeout: 5s}]}}]
                  - {name: tools, port: 8080, workloads: [{version: v1}]}
                  - name: db
                    port: 5432
                    protocol: tcp
                    workloads: [{version: v1, replicas: 2}, {version: v2}]
                %s  ingress: {routes: [{prefix: /, service: web}]}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: db}
                spec:
                  host: db
                  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
                """.formatted(services.isEmpty() ? "" : services.indent(2));
    }

    /** A VirtualService {@code db} for host db (and {@code moreHosts}, YAML flow items) with {@code rules} (YAML under spec). */
    public static String dbVirtualService(String moreHosts, String rules) {
        return """
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: db}
                spec:
                  hosts: [db%s]
                %s""".formatted(moreHosts.isEmpty() ? "" : ", " + moreHosts, rules.indent(2));
    }

    /** {@link #dbVirtualService(String, String)} without more hosts. */
    public static String dbVirtualService(String rules) {
        return dbVirtualService("", rules);
    }

    /** The mesh with db's DestinationRule limiting each of its clusters to one connection, and a subset v3 without pods. */
    public static final String MAX_ONE_CONNECTION = MESH.replace("subsets: [{name: v1",
            "trafficPolicy: {connectionPool: {tcp: {maxConnections: 1}}}\n  subsets: [{name: v3, labels: {version: v3}}, {name: v1");

    /** tcp rules: tools gets v2 by its labels, the rest v1. */
    public static final String BY_SOURCE_LABELS = dbVirtualService("""
            tcp:
            - match: [{sourceLabels: {app: tools}}]
              route: [{destination: {host: db, subset: v2}}]
            - route: [{destination: {host: db, subset: v1}}]
            """);

    /** A 50/50 split of db's connections between v1 and v2 by a tcp rule on the service port. */
    public static final String SPLIT = dbVirtualService("""
            tcp:
            - match: [{port: 5432}]
              route:
              - {destination: {host: db, subset: v1}, weight: 50}
              - {destination: {host: db, subset: v2}, weight: 50}
            """);

    /** TLS by SNI: {@code v2.db.example.com} goes to v2, any other connection (TLS or not) to v1. */
    public static final String BY_SNI = dbVirtualService("v2.db.example.com", """
            tls:
            - match: [{sniHosts: [v2.db.example.com]}]
              route: [{destination: {host: db, subset: v2}}]
            tcp:
            - route: [{destination: {host: db, subset: v1}}]
            """);
}

package dev.loopmesh.security;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuthzMatrixTcpTest {
    static final String MESH = """
            apiVersion: loopmesh.dev/v1
            kind: Mesh
            metadata: {name: tcp}
            spec:
              services:
              - {name: db, port: 5432, protocol: tcp, workloads: [{version: v1}]}
              - {name: web, port: 80, workloads: [{version: v1}]}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: only-get, namespace: default}
            spec:
              action: ALLOW
              rules: [{to: [{operation: {methods: ["GET"]}}]}]
            """;

    @Test
    void aTcpDestinationIsAuthorizedAsAConnection() {
        // an ALLOW rule with an HTTP-only field allows GET on web but matches no connection to db
        List<AuthzMatrix.Cell> cells = AuthzMatrix.compute(Yaml.bookinfo(MESH));
        assertThat(cells).filteredOn(c -> c.source().equals("web-v1") && c.destination().equals("db-v1"))
                .singleElement().satisfies(c -> assertThat(c.allowed()).isFalse());
        assertThat(cells).filteredOn(c -> c.source().equals("db-v1") && c.destination().equals("web-v1"))
                .singleElement().satisfies(c -> assertThat(c.allowed()).isTrue());
    }
}

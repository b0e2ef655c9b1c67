package dev.loopmesh.security;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.RegistryPlanner;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;

import java.util.List;

/** Test helpers: security resources as YAML text, and resources from YAML text on the built-in Bookinfo mesh. */
public final class Yaml {
    private Yaml() {
    }

    /**
     * The strict mesh of Istio's security tasks: sleep calls httpbin, each with its own service account, and legacy
     * (no sidecar) calls httpbin in plaintext; the ingress sends to sleep.
     */
    public static final String HTTPBIN_MESH = """
            apiVersion: loopmesh.dev/v1
            kind: Mesh
            metadata: {name: strict}
            spec:
              namespace: default
              services:
              - name: httpbin
                port: 8000
                workloads: [{version: v1, serviceAccount: httpbin}]
              - name: sleep
                port: 80
                workloads: [{version: v1, serviceAccount: sleep, behavior: {calls: [{service: httpbin, path: /headers, timeout: 3s, attempts: 1}]}}]
              - name: legacy
                port: 80
                workloads: [{version: v1, sidecar: false, behavior: {calls: [{service: httpbin, path: /headers, timeout: 3s, attempts: 1}]}}]
              ingress:
                routes: [{prefix: /, service: sleep}]
            """;

    /** PeerAuthentication STRICT for the namespace default. */
    public static final String STRICT_IN_DEFAULT = resource("security.istio.io/v1", "PeerAuthentication", "default", "default",
            "mtls: {mode: STRICT}\n");

    /** A resource {@code name} in {@code namespace}, its spec given unindented. */
    public static String resource(String apiVersion, String kind, String name, String namespace, String spec) {
        return """
                apiVersion: %s
                kind: %s
                metadata: {name: %s, namespace: %s}
                spec:
                """.formatted(apiVersion, kind, name, namespace) + spec.indent(2);
    }

    /** An Istio AuthorizationPolicy {@code name} in namespace default. */
    public static String authorizationPolicy(String name, String spec) {
        return resource("security.istio.io/v1", "AuthorizationPolicy", name, "default", spec);
    }

    /** An Istio PeerAuthentication {@code name} in {@code namespace}. */
    public static String peerAuthentication(String name, String namespace, String spec) {
        return resource("security.istio.io/v1", "PeerAuthentication", name, namespace, spec);
    }

    /** YAML documents in one stream. */
    public static String docs(String... documents) {
        return String.join("---\n", documents);
    }

    public static List<MeshResource> resources(String yaml) {
        return new TopologyLoader().loadString("policy.yaml", yaml).resources();
    }

    public static Topology bookinfo(String yaml) {
        return yaml.isBlank() ? new TopologyLoader().builtIn() : new TopologyLoader().loadString("policy.yaml", yaml);
    }

    public static Registry registry(Topology t) {
        return RegistryPlanner.perPodAddresses(t.mesh(), 1);
    }

    public static PodInfo pod(Registry r, String name) {
        return r.pod(name).orElseThrow(() -> new AssertionError("no pod " + name + " in " + r.pods().stream().map(PodInfo::name).toList()));
    }
}

package dev.loopmesh.security;

import dev.loopmesh.ca.SpiffeId;
import dev.loopmesh.policy.authz.PathNormalization;
import dev.loopmesh.policy.authz.linkerd.DefaultPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Mesh-wide security settings: Istio's meshConfig and Linkerd's proxy defaults, written in a Loopmesh
 * {@code MeshConfig} document (one per mesh):
 * <pre>
 * apiVersion: loopmesh.dev/v1
 * kind: MeshConfig
 * metadata: {name: mesh}
 * spec:
 *   trustDomain: cluster.local             # SPIFFE trust domain (default cluster.local)
 *   pathNormalization: {normalization: BASE}   # NONE, BASE (default), MERGE_SLASHES, DECODE_AND_MERGE_SLASHES
 *   certificates:
 *     lifetime: 24h                        # workload certificate lifetime (configured time; default 24h)
 *     rotate: true                         # rotate at 80 % of the lifetime (default true)
 *     rootCert: certs/root-cert.pem        # optional: plug in a root and a signing intermediate (Istio's cacerts)
 *     caCert: certs/ca-cert.pem
 *     caKey: certs/ca-key.pem
 *   extensionProviders: [{name: my-ext-authz}]   # the providers CUSTOM policies may name
 *   linkerd: {defaultInboundPolicy: all-unauthenticated}   # config.linkerd.io/default-inbound-policy
 * </pre>
 *
 * @param linkerdDefault null when the mesh does not use Linkerd's model (no Server and no default set)
 */
public record SecuritySettings(String trustDomain, PathNormalization pathNormalization, Duration certificateLifetime,
                               boolean rotate, Path rootCert, Path caCert, Path caKey, List<String> extensionProviders,
                               DefaultPolicy linkerdDefault) {
    public static final SecuritySettings DEFAULT = new SecuritySettings(SpiffeId.DEFAULT_TRUST_DOMAIN, PathNormalization.BASE,
            Duration.ofHours(24), true, null, null, null, List.of(), null);

    public SecuritySettings {
        trustDomain = trustDomain == null ? SpiffeId.DEFAULT_TRUST_DOMAIN : trustDomain;
        pathNormalization = pathNormalization == null ? PathNormalization.BASE : pathNormalization;
        certificateLifetime = certificateLifetime == null ? Duration.ofHours(24) : certificateLifetime;
        extensionProviders = List.copyOf(extensionProviders == null ? List.of() : extensionProviders);
    }

    public SecuritySettings withCertificateLifetime(Duration d) {
        return new SecuritySettings(trustDomain, pathNormalization, d, rotate, rootCert, caCert, caKey, extensionProviders, linkerdDefault);
    }

    public SecuritySettings withPathNormalization(PathNormalization p) {
        return new SecuritySettings(trustDomain, p, certificateLifetime, rotate, rootCert, caCert, caKey, extensionProviders, linkerdDefault);
    }
}

package dev.loopmesh.security;

import dev.loopmesh.ca.SpiffeId;
import dev.loopmesh.policy.authz.ExtAuthzProvider;
import dev.loopmesh.policy.authz.PathNormalization;
import dev.loopmesh.policy.authz.linkerd.DefaultPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 *   extensionProviders:                    # the providers CUSTOM policies may name (Istio's meshConfig)
 *   - name: my-ext-authz
 *     envoyExtAuthzHttp: {service: ext-authz.foo.svc.cluster.local, port: 8000, includeRequestHeadersInCheck: [x-ext-authz]}
 *   linkerd: {defaultInboundPolicy: all-unauthenticated}   # config.linkerd.io/default-inbound-policy
 * </pre>
 *
 * @param extensionProviders the names of every extension provider
 * @param extAuthz the {@code envoyExtAuthzHttp} providers by name (what a proxy asks for a CUSTOM policy)
 * @param linkerdDefault null when the mesh does not use Linkerd's model (no Server and no default set)
 */
public record SecuritySettings(String trustDomain, PathNormalization pathNormalization, Duration certificateLifetime,
                               boolean rotate, Path rootCert, Path caCert, Path caKey, List<String> extensionProviders,
                               Map<String, ExtAuthzProvider> extAuthz, DefaultPolicy linkerdDefault) {
    public static final SecuritySettings DEFAULT = new SecuritySettings(SpiffeId.DEFAULT_TRUST_DOMAIN, PathNormalization.BASE,
            Duration.ofHours(24), true, null, null, null, List.of(), Map.of(), null);

    public SecuritySettings {
        trustDomain = trustDomain == null ? SpiffeId.DEFAULT_TRUST_DOMAIN : trustDomain;
        pathNormalization = pathNormalization == null ? PathNormalization.BASE : pathNormalization;
        certificateLifetime = certificateLifetime == null ? Duration.ofHours(24) : certificateLifetime;
        extensionProviders = List.copyOf(extensionProviders == null ? List.of() : extensionProviders);
        extAuthz = Map.copyOf(extAuthz == null ? Map.of() : extAuthz);
    }

    public SecuritySettings withCertificateLifetime(Duration d) {
        return new SecuritySettings(trustDomain, pathNormalization, d, rotate, rootCert, caCert, caKey, extensionProviders, extAuthz, linkerdDefault);
    }

    public SecuritySettings withPathNormalization(PathNormalization p) {
        return new SecuritySettings(trustDomain, p, certificateLifetime, rotate, rootCert, caCert, caKey, extensionProviders, extAuthz, linkerdDefault);
    }
}

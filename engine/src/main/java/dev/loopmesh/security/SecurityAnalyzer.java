package dev.loopmesh.security;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.policy.authn.MtlsMode;
import dev.loopmesh.policy.authz.AuthorizationPolicy;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Position;
import dev.loopmesh.topology.Problem;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cross-resource security findings, like {@code istioctl analyze}: a DestinationRule whose tls mode
 * contradicts the server's PeerAuthentication (IST0113 MTLSPolicyConflict: DISABLE toward STRICT is
 * reset, 503), references between Linkerd resources that lead nowhere, and policies that select no pod.
 */
public final class SecurityAnalyzer {
    private SecurityAnalyzer() {
    }

    public static List<Problem> analyze(Registry registry, List<MeshResource> resources, Map<String, ProxySnapshot> snapshots) {
        List<Problem> out = new ArrayList<>();
        SecurityConfig config = SecurityBinder.bind(resources);
        config.problems().stream().filter(p -> p.code().equals(SecurityCodes.UNKNOWN_REFERENCE)).forEach(out::add);
        SecurityTranslator st = new SecurityTranslator(config);
        Set<String> seen = new LinkedHashSet<>();
        for (ProxySnapshot s : snapshots.values()) {
            for (ClusterConfig c : s.clusters().values()) {
                if (c.tlsMode().isEmpty() || c.destinationRule().isEmpty()) {
                    continue;
                }
                for (Endpoint e : c.endpoints()) {
                    PodInfo server = registry.pod(e.pod()).orElse(null);
                    if (server == null) {
                        continue;
                    }
                    MtlsMode mode = server.sidecar() ? st.mtls(server).mode(server.servicePort()) : MtlsMode.DISABLE;
                    String conflict = null;
                    if (c.tlsMode().equals("DISABLE") && mode == MtlsMode.STRICT) {
                        conflict = "sends plaintext (tls.mode DISABLE) but " + server.workload() + " requires mTLS (PeerAuthentication STRICT"
                                + (st.mtls(server).policy().isEmpty() ? "" : ", " + st.mtls(server).policy()) + "): requests fail with 503";
                    } else if (c.tlsMode().equals("ISTIO_MUTUAL") && !server.sidecar()) {
                        conflict = "sends mTLS (tls.mode ISTIO_MUTUAL) but " + server.workload() + " has no sidecar: requests fail with 503";
                    }
                    if (conflict != null && seen.add(c.destinationRule() + "|" + c.service() + "|" + server.workload())) {
                        MeshResource dr = find(resources, "DestinationRule", c.destinationRule());
                        out.add(Problem.warning(SecurityCodes.MTLS_CONFLICT, dr == null ? Position.UNKNOWN : dr.position(), "spec.trafficPolicy.tls",
                                "MTLSPolicyConflict (IST0113): DestinationRule " + c.destinationRule() + " for host " + c.service() + " " + conflict));
                    }
                }
            }
        }
        for (AuthorizationPolicy p : config.authorizationPolicies()) {
            if ((p.selector() != null || !p.targets().isEmpty()) && SecurityTranslator.selected(registry, p.namespace(), p.selector(), p.targets()).isEmpty()
                    && !p.targets().stream().anyMatch(t -> t.startsWith("Gateway/"))
                    && !SecurityTranslator.selectsGateway(p.namespace(), p.selector(), p.targets())) {
                out.add(Problem.warning(SecurityCodes.SELECTS_NOTHING, p.position(), "spec.selector", "AuthorizationPolicy " + p.label()
                        + " selects no workload"));
            }
        }
        return out;
    }

    private static MeshResource find(List<MeshResource> resources, String kind, String key) {
        for (MeshResource r : resources) {
            if (r.kind().equals(kind) && (key.equals(r.namespace() + "/" + r.name()) || key.equals(r.name() + "." + r.namespace())
                    || key.equals(r.name()))) {
                return r;
            }
        }
        return null;
    }
}

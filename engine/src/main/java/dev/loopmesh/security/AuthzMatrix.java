package dev.loopmesh.security;

import dev.loopmesh.ca.SpiffeId;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.RegistryPlanner;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.policy.authn.InboundMtls;
import dev.loopmesh.policy.authn.MtlsMode;
import dev.loopmesh.policy.authn.TlsOrigination;
import dev.loopmesh.policy.authz.Authorizer;
import dev.loopmesh.policy.authz.AuthzDecision;
import dev.loopmesh.policy.authz.AuthzRequest;
import dev.loopmesh.policy.authz.linkerd.LinkerdPolicy;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who can call whom: for every pair of workloads (and the ingress gateway as a caller), on the
 * destination's port, whether a plain {@code GET /} (a connection, for a tcp service) is allowed and what decides — the transport
 * (mTLS origination against the server's PeerAuthentication), then Istio's authorization, then
 * Linkerd's. The same computation serves {@code loopmesh authz matrix} and the admin API.
 */
public final class AuthzMatrix {
    public static final String GATEWAY = "istio-ingressgateway";

    /** One caller → callee pair. {@code decidedBy} names the policy or rule that decided. */
    public record Cell(String source, String destination, int port, boolean allowed, boolean mtls, String decidedBy) {
    }

    private AuthzMatrix() {
    }

    /** Offline, from files: pods planned as a mesh would start them. */
    public static List<Cell> compute(Topology topology) {
        return compute(RegistryPlanner.perPodAddresses(topology.mesh(), 1), topology.resources());
    }

    /** For a running mesh: its registry and the resources its control plane holds now. */
    public static List<Cell> compute(Registry registry, List<MeshResource> resources) {
        Map<String, ProxySnapshot> snapshots = new IstioTranslator().translate(registry, resources, 1);
        SecurityTranslator st = SecurityTranslator.of(resources);
        String td = st.config().settings().trustDomain();
        List<PodInfo> firsts = new ArrayList<>();
        for (PodInfo p : registry.pods()) {
            if (firsts.stream().noneMatch(f -> f.workload().equals(p.workload()))) {
                firsts.add(p);
            }
        }
        List<Cell> out = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        sources.add(GATEWAY);
        firsts.forEach(p -> sources.add(p.name()));
        for (String src : sources) {
            PodInfo from = src.equals(GATEWAY) ? null : registry.pod(src).orElseThrow();
            ProxySnapshot snap = from == null ? snapshots.get(Registry.GATEWAY) : from.sidecar() ? snapshots.get(from.name()) : null;
            String sourceName = from == null ? GATEWAY : from.workload();
            String principal = from == null ? SpiffeId.of(td, Registry.GATEWAY_NAMESPACE, MeshSecurity.GATEWAY_SERVICE_ACCOUNT)
                    : SpiffeId.of(td, from.namespace(), from.serviceAccount());
            String sourceIp = from == null ? "127.0.0.1" : from.address();
            for (PodInfo to : firsts) {
                if (from != null && to.workload().equals(from.workload())) {
                    continue;
                }
                out.add(cell(st, snap, sourceName, principal, sourceIp, to));
            }
        }
        return out;
    }

    private static Cell cell(SecurityTranslator st, ProxySnapshot snap, String source, String principal, String sourceIp, PodInfo to) {
        InboundMtls mtls = to.sidecar() ? st.mtls(to) : new InboundMtls(MtlsMode.DISABLE, Map.of(), "no sidecar");
        MtlsMode server = mtls.mode(to.servicePort());
        TlsOrigination.Kind kind = TlsOrigination.Kind.PLAINTEXT;
        if (snap != null) {
            String tlsMode = "";
            String fqdn = to.service() + "." + to.namespace() + ".svc.cluster.local";
            ClusterConfig c = snap.clusters().get(ClusterConfig.name("outbound", to.servicePort(), "", fqdn));
            if (c != null) {
                tlsMode = c.tlsMode();
            }
            kind = TlsOrigination.decide(tlsMode, to.sidecar(), server);
        }
        boolean tls = kind != TlsOrigination.Kind.PLAINTEXT;
        if (!tls && server == MtlsMode.STRICT) {
            return new Cell(source, to.workload(), to.servicePort(), false, false, "transport: plaintext reset by PeerAuthentication STRICT"
                    + (mtls.policy().isEmpty() ? "" : " (" + mtls.policy() + ")"));
        }
        if (tls && (!to.sidecar() || server == MtlsMode.DISABLE)) {
            return new Cell(source, to.workload(), to.servicePort(), false, true, "transport: TLS toward a plaintext-only server");
        }
        if (!to.sidecar()) {
            return new Cell(source, to.workload(), to.servicePort(), true, false, "no sidecar: nothing enforced");
        }
        InboundSecurity in = st.inbound(to);
        String peer = tls && kind != TlsOrigination.Kind.SIMPLE ? principal : "";
        AuthzRequest r = new AuthzRequest(SpiffeId.principal(peer), sourceIp, "", to.service() + ":" + to.servicePort(), to.servicePort(),
                to.address(), "GET", "/", Map.of(), null, "", !peer.isEmpty());
        String decided = "allowed: no policy";
        if (!in.authorization().isEmpty()) {
            // a CUSTOM policy's provider answers at run time: the cell says what happens if it allows
            boolean tcp = to.protocol() == dev.loopmesh.topology.Protocol.TCP;
            var custom = tcp ? null : Authorizer.matchingCustom(in.authorization(), r);
            // a tcp workload authorizes connections: the policies as Istio reads them for TCP
            AuthzDecision d = tcp ? Authorizer.evaluateTcp(in.authorization(), r) : Authorizer.evaluate(in.authorization(), r, (provider, req) -> true);
            decided = d.policy().isEmpty() ? d.reason() : (d.allowed() ? "ALLOW " : "DENY ") + "AuthorizationPolicy " + d.policy();
            if (custom != null) {
                decided = "CUSTOM AuthorizationPolicy " + custom.label() + " asks provider " + custom.provider()
                        + (d.allowed() ? "; if it allows: " : "; then ") + decided;
            }
            if (!d.allowed()) {
                return new Cell(source, to.workload(), to.servicePort(), false, !peer.isEmpty(), decided);
            }
        }
        LinkerdPolicy l = in.linkerd();
        if (l != null) {
            LinkerdPolicy.Decision d = l.evaluate(to.namespace(), to.labels(), to.servicePort(), peer, sourceIp);
            return new Cell(source, to.workload(), to.servicePort(), d.allowed(), !peer.isEmpty(), "linkerd " + d.decidedBy());
        }
        return new Cell(source, to.workload(), to.servicePort(), true, !peer.isEmpty(), decided);
    }
}

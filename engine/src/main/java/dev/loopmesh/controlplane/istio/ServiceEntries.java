package dev.loopmesh.controlplane.istio;

import dev.loopmesh.policy.routing.TcpRoute;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.ServiceSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * ServiceEntry ports that carry plain TCP or TLS (Istio's protocols TCP, TLS, MONGO, and HTTPS, which a
 * sidecar passes through unterminated): each gets an outbound TCP listener on every sidecar, as a
 * {@code protocol: tcp} service does.
 */
public final class ServiceEntries {
    private static final Set<String> TCP_PROTOCOLS = Set.of("TCP", "TLS", "MONGO", "HTTPS");

    private ServiceEntries() {
    }

    static boolean isTcp(ServiceEntry.Port port) {
        return port.protocol() != null && TCP_PROTOCOLS.contains(port.protocol().toUpperCase(Locale.ROOT));
    }

    /**
     * The {@link TcpRoute#key keys} ({@code host:port}) of the TCP-like ServiceEntry ports in {@code resources},
     * for hosts no service of {@code mesh} has and without a wildcard; resources that do not bind are skipped
     * (validation reports them).
     */
    public static List<String> tcpKeys(MeshSpec mesh, List<MeshResource> resources) {
        Set<String> services = new LinkedHashSet<>();
        for (ServiceSpec s : mesh.services()) {
            services.add(s.fqdn());
        }
        Set<String> out = new LinkedHashSet<>();
        for (MeshResource r : resources) {
            if (!IstioBinder.handles(r) || !r.kind().equals("ServiceEntry")) {
                continue;
            }
            IstioBinder.Bound b = IstioBinder.bind(r);
            if (!(b.value() instanceof ServiceEntry)) {
                continue;
            }
            ServiceEntry se = (ServiceEntry) b.value();
            for (String h : se.hosts()) {
                String host = HostNames.fqdn(h, se.namespace());
                if (host.startsWith("*") || services.contains(host)) {
                    continue;
                }
                for (ServiceEntry.Port p : se.ports()) {
                    if (isTcp(p)) {
                        out.add(TcpRoute.key(host, p.number()));
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }
}

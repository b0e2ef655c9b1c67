package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.istio.VirtualService.Destination;
import dev.loopmesh.controlplane.istio.VirtualService.HttpRule;
import dev.loopmesh.controlplane.istio.VirtualService.RouteDestination;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Position;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.YamlNode;

import java.util.ArrayList;
import java.util.List;

/** References between resources that istioctl analyze checks (IST0101, IST0109), with positions. */
final class References {
    private References() {
    }

    static List<Problem> check(IstioConfig config, List<MeshResource> resources) {
        List<Problem> out = new ArrayList<>();
        for (MeshResource res : resources) {
            if (!IstioBinder.handles(res) || !res.kind().equals("VirtualService")) {
                continue;
            }
            VirtualService vs = config.virtualService(res.name(), res.namespace());
            if (vs == null) {
                continue;
            }
            out.addAll(hosts(vs, res, config));
            for (int i = 0; i < vs.http().size(); i++) {
                HttpRule rule = vs.http().get(i);
                for (int j = 0; j < rule.route().size(); j++) {
                    subset(config, vs, rule.route().get(j).destination(), res, "spec.http[" + i + "].route[" + j + "].destination", out);
                }
                if (rule.mirror() != null) {
                    subset(config, vs, rule.mirror(), res, "spec.http[" + i + "].mirror", out);
                }
                if (rule.delegate() != null) {
                    String ns = rule.delegate().namespace() == null ? vs.namespace() : rule.delegate().namespace();
                    VirtualService d = config.virtualService(rule.delegate().name(), ns);
                    String path = "spec.http[" + i + "].delegate";
                    if (d == null) {
                        out.add(Problem.error(IstioCodes.UNKNOWN_REFERENCE, at(res, path), path,
                                "delegate VirtualService " + ns + "/" + rule.delegate().name() + " does not exist"));
                    } else if (!d.hosts().isEmpty()) {
                        out.add(Problem.error(IstioCodes.UNKNOWN_REFERENCE, at(res, path), path,
                                "VirtualService " + d.key() + " has hosts, so it cannot be a delegate"));
                    }
                }
            }
            for (int i = 0; i < vs.tcp().size(); i++) {
                List<RouteDestination> route = vs.tcp().get(i).route();
                for (int j = 0; j < route.size(); j++) {
                    subset(config, vs, route.get(j).destination(), res, "spec.tcp[" + i + "].route[" + j + "].destination", out);
                }
            }
            for (int i = 0; i < vs.tls().size(); i++) {
                List<RouteDestination> route = vs.tls().get(i).route();
                for (int j = 0; j < route.size(); j++) {
                    subset(config, vs, route.get(j).destination(), res, "spec.tls[" + i + "].route[" + j + "].destination", out);
                }
            }
            for (int g = 0; g < vs.gateways().size(); g++) {
                String ref = vs.gateways().get(g);
                String key = RuleCompiler.gatewayKey(ref, vs.namespace());
                if (!ref.equals("mesh") && config.gateways.stream().noneMatch(x -> x.key().equals(key))) {
                    String path = "spec.gateways[" + g + "]";
                    out.add(Problem.error(IstioCodes.UNKNOWN_REFERENCE, at(res, path), path, "Gateway " + key + " does not exist"));
                }
            }
        }
        out.addAll(HostConflicts.check(config, resources));
        out.addAll(RouteConflicts.check(config, resources));
        return out;
    }

    private static void subset(IstioConfig config, VirtualService vs, Destination d, MeshResource res, String path,
                               List<Problem> out) {
        if (d.subset().isEmpty()) {
            return;
        }
        String host = HostNames.fqdn(d.host(), vs.namespace());
        DestinationRule dr = config.destinationRule(host, config.namespaceOf(host).isEmpty() ? vs.namespace()
                : config.namespaceOf(host), vs.namespace());
        if (dr == null || dr.subset(d.subset()) == null) {
            out.add(Problem.error(IstioCodes.UNKNOWN_SUBSET, at(res, path + ".subset"), path + ".subset",
                    "subset `" + d.subset() + "` of host " + host + " is not defined"
                            + (dr == null ? " (no DestinationRule for this host)" : " by DestinationRule " + dr.key()
                            + " (it defines: " + String.join(", ", dr.subsets().stream().map(DestinationRule.Subset::name).toList()) + ")")
                            + ": requests routed there fail with 503"));
        }
    }

    /** Destination hosts the registry does not know (a warning: a ServiceEntry may come later). */
    static List<Problem> hosts(VirtualService vs, MeshResource res, IstioConfig config) {
        List<Problem> out = new ArrayList<>();
        for (int i = 0; i < vs.http().size(); i++) {
            unknownHosts(vs, vs.http().get(i).route(), "spec.http[" + i + "]", res, config, out);
        }
        for (int i = 0; i < vs.tcp().size(); i++) {
            unknownHosts(vs, vs.tcp().get(i).route(), "spec.tcp[" + i + "]", res, config, out);
        }
        for (int i = 0; i < vs.tls().size(); i++) {
            unknownHosts(vs, vs.tls().get(i).route(), "spec.tls[" + i + "]", res, config, out);
        }
        return out;
    }

    private static void unknownHosts(VirtualService vs, List<RouteDestination> route, String rulePath, MeshResource res,
                                     IstioConfig config, List<Problem> out) {
        for (int j = 0; j < route.size(); j++) {
            String host = HostNames.fqdn(route.get(j).destination().host(), vs.namespace());
            if (!config.known(host)) {
                String path = rulePath + ".route[" + j + "].destination.host";
                out.add(Problem.warning(IstioCodes.UNKNOWN_HOST, at(res, path), path, "host " + host
                        + " is not a service of the mesh nor declared by a ServiceEntry"));
            }
        }
    }

    /** The position of the node at a simple dotted path with [i] indexes, or the resource's position. */
    static Position at(MeshResource res, String path) {
        YamlNode node = res.spec();
        String[] parts = path.split("\\.");
        for (int k = 1; k < parts.length && node != null; k++) {
            String p = parts[k];
            int idx = -1;
            int b = p.indexOf('[');
            if (b >= 0) {
                idx = Integer.parseInt(p.substring(b + 1, p.length() - 1));
                p = p.substring(0, b);
            }
            node = node instanceof YamlNode.Mapping ? ((YamlNode.Mapping) node).entries().get(p) : null;
            if (idx >= 0) {
                node = node instanceof YamlNode.Sequence && ((YamlNode.Sequence) node).items().size() > idx
                        ? ((YamlNode.Sequence) node).items().get(idx) : null;
            }
        }
        return node == null ? res.position() : node.position();
    }
}

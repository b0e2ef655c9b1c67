package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.controlplane.istio.IstioBinder;
import dev.loopmesh.policy.resilience.FaultPolicy;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.TopologyException;
import dev.loopmesh.topology.YamlNode;
import dev.loopmesh.topology.YamlReader;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fault injection over a Gateway API route. The Gateway API has no fault filter, so Loopmesh reads Istio's
 * {@code HTTPFaultInjection} per backend service from the route's annotation {@value #ANNOTATION}:
 * {@code {productpage: {delay: {fixedDelay: 7s, percentage: {value: 100}}}}}. Each generated rule that sends
 * requests to that service (as a Service or one of its {@code <service>-<version>} backends) carries the fault,
 * as a VirtualService rule with {@code fault} would (and so, Istio's rule, no retries and no timeout). The desktop
 * app writes it for a delay or abort on the ingress gateway's edge to a service an HTTPRoute routes.
 */
public final class Faults {
    public static final String ANNOTATION = "loopmesh.dev/faults";

    private Faults() {
    }

    /** The faults by service name; a value that does not read is a finding and injects nothing. */
    static Map<String, FaultPolicy> of(MeshResource r, List<Problem> problems) {
        String text = r.annotations().get(ANNOTATION);
        Map<String, FaultPolicy> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        String where = "metadata.annotations." + ANNOTATION;
        List<YamlNode> docs;
        try {
            docs = new YamlReader().readString(r.position().file() + " (annotation " + ANNOTATION + ")", text);
        } catch (TopologyException e) {
            problems.add(Problem.error(GatewayApiCodes.INVALID_VALUE, r.position(), where, "annotation " + ANNOTATION
                    + " is not YAML: " + e.getMessage()));
            return out;
        }
        if (docs.size() != 1 || !(docs.get(0) instanceof YamlNode.Mapping m)) {
            problems.add(Problem.error(GatewayApiCodes.WRONG_TYPE, r.position(), where, "annotation " + ANNOTATION
                    + " must be a map of service names to faults, like {productpage: {abort: {httpStatus: 503, percentage: {value: 100}}}}"));
            return out;
        }
        for (Map.Entry<String, YamlNode> e : m.entries().entrySet()) {
            if (!(e.getValue() instanceof YamlNode.Mapping fault)) {
                problems.add(Problem.error(GatewayApiCodes.WRONG_TYPE, r.position(), where, "the fault for " + e.getKey()
                        + " is " + e.getValue().describe() + " (expected: a map with delay and/or abort)"));
                continue;
            }
            List<Problem> found = new java.util.ArrayList<>();
            FaultPolicy f = IstioBinder.fault(fault, found);
            found.forEach(p -> problems.add(new Problem(p.severity(), p.code(), r.position(), where + "." + e.getKey(), p.message())));
            if (f != null) {
                out.put(e.getKey(), f);
            }
        }
        return out;
    }
}

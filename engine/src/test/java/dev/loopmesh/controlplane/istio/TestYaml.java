package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.RegistryPlanner;
import dev.loopmesh.topology.IngressSpec;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Position;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.WorkloadSpec;
import dev.loopmesh.topology.YamlNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: YAML text → MeshResources with positions (stands in for the topology loader). */
final class TestYaml {
    private TestYaml() {
    }

    static List<MeshResource> resources(String yaml) {
        LoadSettings settings = LoadSettings.builder().setLabel("test.yaml").build();
        Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, yaml)));
        List<MeshResource> out = new ArrayList<>();
        while (composer.hasNext()) {
            Node doc = composer.next();
            YamlNode root = convert(doc, "");
            if (!(root instanceof YamlNode.Mapping)) {
                continue;
            }
            YamlNode.Mapping m = (YamlNode.Mapping) root;
            YamlNode.Mapping meta = (YamlNode.Mapping) m.entries().get("metadata");
            String name = scalar(meta, "name");
            String ns = scalar(meta, "namespace");
            YamlNode spec = m.entries().get("spec");
            YamlNode.Mapping specMap = spec instanceof YamlNode.Mapping ? (YamlNode.Mapping) spec
                    : new YamlNode.Mapping(Map.of(), Map.of(), m.position(), "spec");
            out.add(new MeshResource(scalar(m, "apiVersion"), scalar(m, "kind"), name, ns == null ? "default" : ns,
                    Map.of(), Map.of(), specMap, m.position()));
        }
        return out;
    }

    static MeshResource resource(String yaml) {
        return resources(yaml).get(0);
    }

    private static String scalar(YamlNode.Mapping m, String key) {
        YamlNode n = m == null ? null : m.entries().get(key);
        return n instanceof YamlNode.Scalar ? ((YamlNode.Scalar) n).value() : null;
    }

    private static Position pos(Node n) {
        return n.getStartMark().map(mk -> new Position("test.yaml", mk.getLine() + 1, mk.getColumn() + 1)).orElse(Position.UNKNOWN);
    }

    private static YamlNode convert(Node n, String path) {
        if (n instanceof ScalarNode) {
            ScalarNode s = (ScalarNode) n;
            boolean quoted = s.getScalarStyle() != org.snakeyaml.engine.v2.common.ScalarStyle.PLAIN;
            String v = s.getValue();
            boolean isNull = !quoted && (v.isEmpty() || v.equals("null") || v.equals("~"));
            return new YamlNode.Scalar(isNull ? null : v, quoted, pos(n), path);
        }
        if (n instanceof SequenceNode) {
            List<YamlNode> items = new ArrayList<>();
            List<Node> value = ((SequenceNode) n).getValue();
            for (int i = 0; i < value.size(); i++) {
                items.add(convert(value.get(i), path + "[" + i + "]"));
            }
            return new YamlNode.Sequence(items, pos(n), path);
        }
        MappingNode m = (MappingNode) n;
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        Map<String, Position> keys = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String k = ((ScalarNode) t.getKeyNode()).getValue();
            String p = path.isEmpty() ? k : path + "." + k;
            entries.put(k, convert(t.getValueNode(), p));
            keys.put(k, pos(t.getKeyNode()));
        }
        return new YamlNode.Mapping(entries, keys, pos(n), path);
    }

    /** Bookinfo: productpage, reviews v1..v3, ratings, details, all in namespace default, port 9080. */
    static MeshSpec bookinfo() {
        return new MeshSpec("bookinfo", "default", List.of(
                service("productpage", "v1"),
                service("reviews", "v1", "v2", "v3"),
                service("ratings", "v1"),
                service("details", "v1")),
                new IngressSpec(List.of(new IngressSpec.Route("/", "productpage", "default", null))), List.of(), null);
    }

    static ServiceSpec service(String name, String... versions) {
        List<WorkloadSpec> ws = new ArrayList<>();
        for (String v : versions) {
            ws.add(new WorkloadSpec(name, "default", v, 1, "bookinfo-" + name, Map.of(), true, null, null, null));
        }
        return new ServiceSpec(name, "default", 9080, null, ws, null);
    }

    static Registry registry() {
        return RegistryPlanner.perPodAddresses(bookinfo(), 1);
    }
}

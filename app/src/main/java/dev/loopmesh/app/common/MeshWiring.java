package dev.loopmesh.app.common;

import dev.loopmesh.controlplane.Translator;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;

import java.nio.file.Path;
import java.util.List;

/**
 * What the desktop app starts: the topology files as {@code loopmesh run} loads them (the built-in
 * Bookinfo when there are none) and Istio's control-plane translation.
 */
public final class MeshWiring implements EngineMeshSource.Wiring {
    public static final MeshWiring DEFAULT = new MeshWiring();

    private MeshWiring() {
    }

    @Override
    public Topology topology(List<Path> files) {
        return new TopologyLoader().load(files);
    }

    @Override
    public Translator translator(Topology topology) {
        return new IstioTranslator();
    }
}

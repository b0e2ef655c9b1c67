package dev.loopmesh.app.common;

import dev.loopmesh.Mesh;
import dev.loopmesh.app.common.standin.BookinfoTopology;
import dev.loopmesh.app.common.standin.HostRoutingTranslator;
import dev.loopmesh.app.common.standin.StandInLoad;
import dev.loopmesh.app.common.standin.StandInWorkloads;
import dev.loopmesh.controlplane.Translator;
import dev.loopmesh.topology.Topology;

import java.nio.file.Path;
import java.util.List;

/**
 * THE place to wire the real engine pieces once they are merged:
 * <ul>
 *   <li>{@link #topology}: {@code TopologyLoader} on the files (the bundled Bookinfo when empty);</li>
 *   <li>{@link #translator}: {@code new IstioTranslator()};</li>
 *   <li>{@link #afterStart}: nothing, once {@code Mesh.start} starts the workloads and the load itself.</li>
 * </ul>
 * Until then it runs a Bookinfo built in code, routed by host name, with stand-in workloads and load
 * from {@code common.standin} (JDK HTTP server and client, no Netty), so the window has live traffic.
 */
public final class MeshWiring implements EngineMeshSource.Wiring {
    public static final MeshWiring DEFAULT = new MeshWiring();

    private MeshWiring() {
    }

    @Override
    public Topology topology(List<Path> files) {
        if (!files.isEmpty()) {
            throw new IllegalArgumentException("loading topology files needs the topology loader, which this build does not have yet: "
                    + files + " (run without files for the built-in Bookinfo)");
        }
        return BookinfoTopology.create();
    }

    @Override
    public Translator translator(Topology topology) {
        return HostRoutingTranslator.forIngress(topology.mesh());
    }

    @Override
    public AutoCloseable afterStart(Mesh mesh) {
        StandInWorkloads workloads = StandInWorkloads.start(mesh.registry());
        StandInLoad load = mesh.options().traffic()
                ? StandInLoad.start(mesh.topology().mesh().traffic(), mesh.ingressAddress(), mesh.options().seed())
                : null;
        return () -> {
            if (load != null) {
                load.close();
            }
            workloads.close();
        };
    }
}

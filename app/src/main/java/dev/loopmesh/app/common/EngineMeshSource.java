package dev.loopmesh.app.common;

import dev.loopmesh.Mesh;
import dev.loopmesh.MeshOptions;
import dev.loopmesh.controlplane.ConfigEvent;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.Translator;
import dev.loopmesh.telemetry.EdgeSnapshot;
import dev.loopmesh.telemetry.RequestRecord;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Topology;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** The only class of the app that starts an engine {@link Mesh}; what goes into it comes from a {@link Wiring}. */
public final class EngineMeshSource implements MeshSource {

    /** Where the topology and the control plane's translator come from. */
    public interface Wiring {
        Topology topology(List<Path> files);

        Translator translator(Topology topology);
    }

    private final Wiring wiring;
    private final MeshOptions options;

    public EngineMeshSource(Wiring wiring, MeshOptions options) {
        this.wiring = requireNonNull(wiring, "wiring");
        this.options = requireNonNull(options, "options");
    }

    @Override
    public MeshHandle start(List<Path> files, double timeScale) {
        Topology topology = wiring.topology(List.copyOf(files));
        MeshOptions o = timeScale == 1.0 ? options : options.withTimeScale(timeScale);
        return new Handle(Mesh.start(topology, o, wiring.translator(topology)));
    }

    private record Handle(Mesh mesh) implements MeshHandle {
        @Override
        public MeshSpec spec() {
            return mesh.topology().mesh();
        }

        @Override
        public List<PodInfo> pods() {
            return mesh.registry().pods();
        }

        @Override
        public InetSocketAddress ingressAddress() {
            return mesh.ingressAddress();
        }

        @Override
        public List<EdgeSnapshot> edges(int windowSeconds) {
            return mesh.edges(windowSeconds);
        }

        @Override
        public List<RequestRecord> accessLog(String proxy, int limit) {
            return mesh.telemetry().accessLog().last(proxy, limit);
        }

        @Override
        public List<ConfigEvent> events(long afterSequence) {
            return mesh.controlPlane().events(afterSequence);
        }

        @Override
        public void close() {
            mesh.close();
        }
    }
}

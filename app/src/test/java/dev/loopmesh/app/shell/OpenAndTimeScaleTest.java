package dev.loopmesh.app.shell;

import dev.loopmesh.MeshOptions;
import dev.loopmesh.app.DesktopApp;
import dev.loopmesh.app.common.EngineMeshSource;
import dev.loopmesh.controlplane.Translator;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.topology.IngressSpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Protocol;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.WorkloadSpec;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The toolbar's Open and speed: both stop the running mesh and start the new one. */
@ExtendWith(ApplicationExtension.class)
class OpenAndTimeScaleTest {
    /** What each start asked for: the files and the time scale. */
    private final List<String> starts = new CopyOnWriteArrayList<>();
    private MainViewModel vm;

    private final class Wiring implements EngineMeshSource.Wiring {
        @Override
        public Topology topology(List<Path> files) {
            if (files.isEmpty()) {
                return MainWindowTest.frontAndBack();
            }
            MeshSpec solo = new MeshSpec("solo", "default", List.of(new ServiceSpec("solo", "default", 9080, Protocol.HTTP,
                    List.of(new WorkloadSpec("solo", "default", "v1", 1, "solo", Map.of(), true, null, null, null)), null)),
                    new IngressSpec(List.of(new IngressSpec.Route("/", "solo", "default", null))), List.of(), null);
            return new Topology(solo, List.of(), List.of(), List.of());
        }

        @Override
        public Translator translator(Topology topology) {
            return new IstioTranslator();
        }
    }

    @Start
    void start(Stage stage) {
        EngineMeshSource engine = new EngineMeshSource(new Wiring(), new MeshOptions(0, -1, false, null, 1));
        vm = DesktopApp.createWindow(stage, (files, scale) -> {
            starts.add(files + " at " + scale);
            return engine.start(files, scale);
        }, List.of());
        stage.show();
        vm.start();
    }

    @AfterEach
    void close() throws Exception {
        vm.close();
        org.testfx.api.FxToolkit.cleanupStages();
    }

    private <T> T onFx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get();
    }

    @Test
    void openingATopologyStopsTheRunningMeshAndRunsTheNewOne() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> onFx(vm::state) == MeshState.RUNNING);
        assertThat(onFx(() -> vm.meshNameProperty().get())).isEqualTo("shop");

        onFx(() -> {
            vm.open(List.of(Path.of("solo.yaml")));
            return null;
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> onFx(() -> vm.state() == MeshState.RUNNING && "solo".equals(vm.meshNameProperty().get())));
        assertThat(onFx(() -> vm.topologyNameProperty().get())).isEqualTo("solo.yaml");
        assertThat(onFx(() -> vm.graph().layout().node("solo"))).isPresent();
        assertThat(starts).containsExactly("[] at 1.0", "[solo.yaml] at 1.0");
    }

    @Test
    void anotherSpeedRestartsTheMeshWithThatTimeScale() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> onFx(vm::state) == MeshState.RUNNING);

        onFx(() -> {
            vm.setTimeScale(0.1);
            return null;
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> starts.size() == 2 && onFx(vm::state) == MeshState.RUNNING);
        assertThat(starts.get(1)).isEqualTo("[] at 0.1");
        assertThat(onFx(() -> vm.messageProperty().get())).endsWith("at 10× speed");
        assertThat(MainViewModel.speed(2.0)).isEqualTo("0.5×");
    }
}

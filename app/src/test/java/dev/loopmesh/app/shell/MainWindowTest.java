package dev.loopmesh.app.shell;

import dev.loopmesh.MeshOptions;
import dev.loopmesh.app.DesktopApp;
import dev.loopmesh.app.common.EngineMeshSource;
import dev.loopmesh.app.graph.GraphLayout;
import dev.loopmesh.app.graph.Selection;
import dev.loopmesh.controlplane.Translator;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.topology.BehaviorSpec;
import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.topology.IngressSpec;
import dev.loopmesh.topology.LatencySpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Protocol;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TrafficClientSpec;
import dev.loopmesh.topology.WorkloadSpec;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The window on a mesh started in code: front calls back, load at 20 requests a second. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {
    private MainViewModel vm;

    static Topology frontAndBack() {
        CallSpec toBack = new CallSpec("back", "default", "/data", "GET", Map.of(), Duration.ofSeconds(2), 1, List.of(), null);
        BehaviorSpec front = new BehaviorSpec(LatencySpec.ZERO, 0, 500, 0, Map.of(), List.of(toBack), false, false, 500);
        MeshSpec mesh = new MeshSpec("shop", "default", List.of(
                new ServiceSpec("front", "default", 9080, Protocol.HTTP,
                        List.of(new WorkloadSpec("front", "default", "v1", 1, "front", Map.of(), true, front, null, null)), null),
                new ServiceSpec("back", "default", 9080, Protocol.HTTP,
                        List.of(new WorkloadSpec("back", "default", "v1", 2, "back", Map.of(), true, null, null, null),
                                new WorkloadSpec("back", "default", "v2", 1, "back", Map.of(), true, null, null, null)), null)),
                new IngressSpec(List.of(new IngressSpec.Route("/", "front", "default", null))),
                List.of(new TrafficClientSpec("users", "ingress", "GET", List.of(new TrafficClientSpec.Weighted("/", 1)), 20, Map.of(), null)),
                null);
        return new Topology(mesh, List.of(), List.of(), List.of());
    }

    static final class TestWiring implements EngineMeshSource.Wiring {
        @Override
        public Topology topology(List<Path> files) {
            return frontAndBack();
        }

        @Override
        public Translator translator(Topology topology) {
            return new IstioTranslator();
        }
    }

    @Start
    void start(Stage stage) {
        vm = DesktopApp.createWindow(stage, new EngineMeshSource(new TestWiring(), new MeshOptions(0, -1, true, null, 1)), List.of());
        stage.show();
        vm.start();
    }

    @AfterEach
    void stopMesh() throws Exception {
        if (vm != null) {
            vm.close();
        }
        org.testfx.api.FxToolkit.cleanupStages();
    }

    private <T> T onFx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get();
    }

    private void awaitRunning() {
        await().atMost(Duration.ofSeconds(30)).until(() -> onFx(vm::state) == MeshState.RUNNING);
    }

    @Test
    void theWindowShowsTheMeshAndItsServicesWorkloadsAndPods(FxRobot robot) throws Exception {
        awaitRunning();

        assertThat(robot.lookup("#mesh-name").queryAs(Label.class).getText()).isEqualTo("shop");
        assertThat(robot.lookup("#ingress-address").queryAs(Label.class).getText()).startsWith("http://127.0.0.1:");
        assertThat(robot.lookup("#probe-path").queryAs(javafx.scene.control.TextField.class).getText())
                .as("the path the mesh's own load sends, not Bookinfo's").isEqualTo("/");
        TreeView<?> tree = robot.lookup("#services-tree").queryAs(TreeView.class);
        List<String> lines = onFx(() -> {
            List<String> out = new ArrayList<>();
            collect(tree.getRoot(), out);
            return out;
        });
        assertThat(lines).anyMatch(l -> l.contains("front")).anyMatch(l -> l.contains("back"));
        assertThat(lines).anyMatch(l -> l.contains("back-v1-0")).anyMatch(l -> l.contains("back-v1-1")).anyMatch(l -> l.contains("back-v2-0"));
    }

    private static void collect(TreeItem<?> item, List<String> out) {
        for (TreeItem<?> child : item.getChildren()) {
            out.add(String.valueOf(child.getValue()));
            collect(child, out);
        }
    }

    @Test
    void liveTrafficReachesTheGraphAndTheInspector() throws Exception {
        awaitRunning();

        await().atMost(Duration.ofSeconds(30)).until(() -> onFx(() -> vm.graph().edges().stream()
                .anyMatch(e -> e.source().equals("front-v1") && e.destination().startsWith("back-"))));
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.graph().edges().stream()
                .anyMatch(e -> e.source().equals(GraphLayout.INGRESS) && e.destination().equals("front-v1"))));

        onFx(() -> {
            vm.graph().select(new Selection.Service("back"));
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.inspector().logProperty().get().size()) > 0);
        assertThat(onFx(() -> vm.inspector().titleProperty().get())).isEqualTo("back");
        assertThat(onFx(() -> vm.graph().selectedStatsProperty().get().rps())).isPositive();
        assertThat(onFx(() -> vm.inspector().selectedPodsProperty().get())).hasSize(3);
    }

    @Test
    void sendingOneRequestShowsItsStatusAndBody(FxRobot robot) throws Exception {
        awaitRunning();

        robot.clickOn("#send-request");

        await().atMost(Duration.ofSeconds(20)).until(() -> onFx(() -> vm.probeProperty().get()) != null);
        ProbeResult r = onFx(() -> vm.probeProperty().get());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"service\":\"front\"").contains("\"service\":\"back\"");
        assertThat(robot.lookup("#probe-status").queryAs(Label.class).getText()).contains("200");
    }

    @Test
    void stopStopsTheMesh(FxRobot robot) throws Exception {
        awaitRunning();

        robot.clickOn("#start-stop");

        await().atMost(Duration.ofSeconds(20)).until(() -> onFx(vm::state) == MeshState.STOPPED);
        assertThat(robot.lookup("#ingress-address").queryAs(Label.class).getText()).isEmpty();
    }
}

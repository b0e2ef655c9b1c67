package dev.loopmesh.app.shell;

import dev.loopmesh.MeshOptions;
import dev.loopmesh.app.DesktopApp;
import dev.loopmesh.app.common.EngineMeshSource;
import dev.loopmesh.app.editor.EditorViewModel;
import dev.loopmesh.app.editor.Snippets;
import dev.loopmesh.app.faults.FaultRequest;
import dev.loopmesh.app.faults.FaultTarget;
import dev.loopmesh.app.graph.Badge;
import dev.loopmesh.app.graph.GraphLayout;
import dev.loopmesh.app.graph.Selection;
import dev.loopmesh.app.history.HistoryViewModel;
import dev.loopmesh.app.timeline.TimelineEvent;
import dev.loopmesh.controlplane.Translator;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;
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
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The main interactions on Bookinfo: apply a policy from the editor, undo it, a rejected text, a fault from the graph, an edge. */
@ExtendWith(ApplicationExtension.class)
class PolicyAndFaultsWindowTest {
    private MainViewModel vm;

    static final class Bookinfo implements EngineMeshSource.Wiring {
        @Override
        public Topology topology(List<Path> files) {
            return new TopologyLoader().builtIn();
        }

        @Override
        public Translator translator(Topology topology) {
            return new IstioTranslator();
        }
    }

    @Start
    void start(Stage stage) {
        vm = DesktopApp.createWindow(stage, new EngineMeshSource(new Bookinfo(), new MeshOptions(0, -1, true, null, 1)), List.of());
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
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.editor().readyProperty().get()));
    }

    private void showPolicyTab(FxRobot robot) throws Exception {
        javafx.scene.control.TabPane tabs = robot.lookup("#right-tabs").queryAs(javafx.scene.control.TabPane.class);
        onFx(() -> {
            tabs.getSelectionModel().select(1);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private boolean hasVirtualService(String name) throws Exception {
        return onFx(() -> vm.timeline().events().stream().anyMatch(e -> e.title().contains("VirtualService default/" + name)))
                && onFx(() -> vm.graph().decorations().node(name).stream().anyMatch(b -> b.kind() == Badge.Kind.VIRTUAL_SERVICE));
    }

    @Test
    void applyingJasonToV2FromTheEditorMarksTheTimelineAndBadgesTheGraphAndUndoTakesItBack(FxRobot robot) throws Exception {
        awaitRunning();
        onFx(() -> {
            vm.editor().insertSnippet(Snippets.JASON);
            return null;
        });

        showPolicyTab(robot);
        robot.clickOn("#editor-apply");

        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.editor().outcomeProperty().get()) == EditorViewModel.Outcome.APPLIED);
        assertThat(onFx(() -> vm.editor().statusProperty().get())).contains("VirtualService default/reviews created");
        assertThat(onFx(() -> vm.editor().diffProperty().get())).contains("+ kind: VirtualService");
        await().atMost(Duration.ofSeconds(5)).until(() -> hasVirtualService("reviews"));
        assertThat(onFx(() -> vm.timeline().events().stream().filter(e -> e.kind() == TimelineEvent.Kind.CONFIG).count())).isGreaterThanOrEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> vm.resources().rows().stream()
                .map(r -> r.label() + " " + r.state()).toList()).containsAll(List.of("DestinationRule default/reviews OK", "VirtualService default/reviews OK")));

        robot.clickOn("#undo");

        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.graph().decorations().node("reviews").isEmpty()));
        assertThat(onFx(() -> vm.timeline().events().stream().anyMatch(e -> e.title().startsWith("deleted VirtualService default/reviews")))).isTrue();
        assertThat(onFx(() -> vm.history().canUndoProperty().get())).isFalse();
        assertThat(onFx(() -> vm.history().canRedoProperty().get())).isTrue();
    }

    @Test
    void undoAndRedoWalkBackAndForthThroughPoliciesAndFaultsThroughTheEngine(FxRobot robot) throws Exception {
        awaitRunning();
        onFx(() -> {
            vm.editor().insertSnippet(Snippets.JASON);
            return null;
        });
        onFx(() -> {
            vm.editor().apply();
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.history().position()) == 1);
        onFx(() -> {
            vm.faults().inject(FaultRequest.abort(new FaultTarget.Service("ratings"), 503, 50));
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.history().position()) == 2);
        onFx(() -> {
            vm.faults().remove(vm.faults().active().get(0));
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.history().position()) == 3);
        assertThat(onFx(() -> vm.faults().active())).isEmpty();
        assertThat(onFx(() -> vm.history().undoTextProperty().get())).startsWith("Undo remove fault abort 503 on 50 % of ratings");

        robot.clickOn("#undo");
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.faults().active().size()) == 1);
        assertThat(onFx(() -> hasVirtualServiceIn("ratings"))).isTrue();

        robot.clickOn("#undo");
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.faults().active().isEmpty() && vm.history().position() == 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> !hasVirtualServiceIn("ratings")));

        robot.clickOn("#undo");
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.history().position()) == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> !hasVirtualServiceIn("reviews")));
        assertThat(onFx(() -> vm.history().canUndoProperty().get())).isFalse();

        robot.clickOn("#redo");
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> hasVirtualServiceIn("reviews")));
        robot.clickOn("#redo");
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.faults().active().size()) == 1);
        assertThat(onFx(() -> hasVirtualServiceIn("ratings"))).isTrue();

        List<String> marks = onFx(() -> vm.timeline().events().stream().filter(e -> e.kind() == TimelineEvent.Kind.HISTORY)
                .map(TimelineEvent::title).toList());
        assertThat(marks).containsExactly("undo remove fault abort 503 on 50 % of ratings", "undo inject abort 503 on 50 % of ratings",
                "undo apply DestinationRule default/reviews (new), VirtualService default/reviews (new)",
                "redo apply DestinationRule default/reviews (new), VirtualService default/reviews (new)", "redo inject abort 503 on 50 % of ratings");
        assertThat(onFx(() -> vm.history().entries().stream().map(HistoryViewModel.Entry::applied).toList())).containsExactly(true, true, false);
    }

    /** Whether the mesh's live resources hold a VirtualService for {@code host} (FX thread: reads the graph's decorations). */
    private boolean hasVirtualServiceIn(String service) {
        return vm.graph().decorations().node(service).stream().anyMatch(b -> b.kind() == Badge.Kind.VIRTUAL_SERVICE);
    }

    @Test
    void aRejectedTextSaysWhyOnItsLineAndChangesNothing(FxRobot robot) throws Exception {
        awaitRunning();
        onFx(() -> {
            vm.editor().textProperty().set("""
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: reviews}
                    spec:
                      hosts: [reviews]
                      http:
                      - route: [{destination: {host: reviews}, wieght: 100}]
                    """);
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.editor().problemsProperty().get()).stream()
                .anyMatch(p -> p.position().line() == 7 && p.message().contains("weight")));

        showPolicyTab(robot);
        robot.clickOn("#editor-apply");

        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.editor().outcomeProperty().get()) == EditorViewModel.Outcome.REJECTED);
        assertThat(onFx(() -> vm.editor().statusProperty().get())).contains("rejected").contains("line 7");
        await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> vm.timeline().events().stream()
                .anyMatch(e -> e.kind() == TimelineEvent.Kind.REJECTED)));
        assertThat(onFx(() -> vm.graph().decorations().node("reviews"))).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> vm.resources().rows().stream()
                .anyMatch(r -> r.label().equals("VirtualService default/reviews") && r.state() == ResourcesViewModel.State.REJECTED
                        && r.key() == null && r.detail().startsWith("rejected, not in force"))));
    }

    @Test
    void aResourceWithFindingsShowsThemInTheResourcesPane() throws Exception {
        awaitRunning();
        onFx(() -> {
            vm.editor().textProperty().set("""
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: ratings}
                    spec:
                      hosts: [ratings]
                      http:
                      - route: [{destination: {host: ratngs}}]
                    """);
            vm.editor().apply();
            return null;
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.resources().rows().stream()
                .anyMatch(r -> r.label().equals("VirtualService default/ratings") && r.state() != ResourcesViewModel.State.OK)));
        ResourcesViewModel.Row row = onFx(() -> vm.resources().rows().stream().filter(r -> r.label().equals("VirtualService default/ratings"))
                .findFirst().orElseThrow());
        assertThat(row.detail()).contains("ratngs");
    }

    @Test
    void anAbortOnRatingsBadgesItAndRemovingItRestoresTheMesh() throws Exception {
        awaitRunning();

        onFx(() -> {
            vm.faults().inject(FaultRequest.abort(new FaultTarget.Service("ratings"), 503, 50));
            return null;
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.faults().active().size()) == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> vm.graph().decorations().node("ratings").stream()
                .anyMatch(b -> b.kind() == Badge.Kind.FAULT && b.detail().contains("503"))));
        assertThat(onFx(() -> vm.timeline().events().stream().anyMatch(e -> e.kind() == TimelineEvent.Kind.FAULT && e.end() == null))).isTrue();
        onFx(() -> {
            vm.graph().select(new Selection.Service("ratings"));
            return null;
        });
        assertThat(onFx(() -> vm.inspector().faultsProperty().get())).isEqualTo("abort 503 on 50 % of ratings");

        onFx(() -> {
            vm.faults().remove(vm.faults().active().get(0));
            return null;
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.faults().active().isEmpty()));
        await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> vm.graph().decorations().node("ratings").isEmpty()));
        assertThat(onFx(() -> vm.timeline().events().stream().anyMatch(e -> e.kind() == TimelineEvent.Kind.FAULT && e.end() != null))).isTrue();
    }

    @Test
    void killingAPodCrossesItsVersionOutUntilRemoved() throws Exception {
        awaitRunning();

        onFx(() -> {
            vm.faults().inject(FaultRequest.pod(dev.loopmesh.app.faults.FaultKind.KILL_POD,
                    new FaultTarget.Pod("ratings-v1-0", "ratings-v1", "ratings")));
            return null;
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.graph().decorations().workloads().containsKey("ratings-v1")));
        assertThat(onFx(() -> vm.graph().decorations().workloads().get("ratings-v1").allDown())).isTrue();

        onFx(() -> {
            vm.faults().removeAll();
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.graph().decorations().workloads().isEmpty()));
    }

    @Test
    void selectingAnEdgeShowsItsNumbersItsPoliciesAndTheDecisionTraceOfARecentRequest(FxRobot robot) throws Exception {
        awaitRunning();
        await().atMost(Duration.ofSeconds(30)).until(() -> onFx(() -> vm.graph().edges().stream()
                .anyMatch(e -> e.source().equals(GraphLayout.INGRESS) && e.destination().equals("productpage-v1"))));

        onFx(() -> {
            vm.graph().select(new Selection.Edge(GraphLayout.INGRESS, "productpage-v1"));
            return null;
        });

        assertThat(onFx(() -> vm.inspector().titleProperty().get())).isEqualTo("ingress → productpage-v1");
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> vm.inspector().configProperty().get()).contains("POLICIES ON productpage"));
        assertThat(onFx(() -> vm.inspector().configProperty().get())).contains("PROXY istio-ingressgateway");
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> robot.lookup("#inspector-request")
                .queryAs(javafx.scene.control.TextArea.class).getText()).contains("DECISION TRACE"));
        assertThat(robot.lookup("#inspector-request").queryAs(javafx.scene.control.TextArea.class).getText())
                .contains("LATEST REQUEST").contains("istio-ingressgateway");
    }
}

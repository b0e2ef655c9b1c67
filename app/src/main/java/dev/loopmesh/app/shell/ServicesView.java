package dev.loopmesh.app.shell;

import dev.loopmesh.app.graph.GraphViewModel;
import dev.loopmesh.app.graph.Selection;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.WorkloadSpec;
import javafx.scene.control.Label;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.VBox;
import javafx.scene.layout.Priority;

import java.util.List;

/** The left pane: services, their workloads (versions), their pods with addresses. Selecting one selects it in the graph. */
final class ServicesView extends VBox {
    /** One line of the tree. */
    sealed interface Entry {
        record Root() implements Entry {
        }

        record Service(ServiceSpec spec) implements Entry {
        }

        record Workload(WorkloadSpec spec) implements Entry {
        }

        record Pod(PodInfo pod) implements Entry {
        }
    }

    private final MainViewModel vm;
    private final TreeView<Entry> tree = new TreeView<>();
    private boolean syncing;

    ServicesView(MainViewModel vm) {
        this.vm = vm;
        build();
        wire();
    }

    private void build() {
        getStyleClass().add("services-pane");
        Label heading = new Label("SERVICES");
        heading.getStyleClass().add("pane-heading");
        tree.setShowRoot(false);
        tree.setId("services-tree");
        tree.setCellFactory(t -> new EntryCell());
        VBox.setVgrow(tree, Priority.ALWAYS);
        getChildren().addAll(heading, tree);
    }

    private void wire() {
        vm.podsProperty().addListener((o, a, pods) -> fill(vm.specProperty().get(), pods));
        tree.getSelectionModel().selectedItemProperty().addListener((o, a, item) -> {
            if (syncing || item == null) {
                return;
            }
            Entry e = item.getValue();
            GraphViewModel graph = vm.graph();
            if (e instanceof Entry.Service s) {
                graph.select(new Selection.Service(s.spec().name()));
            } else if (e instanceof Entry.Workload w) {
                graph.select(new Selection.Workload(w.spec().name()));
            } else if (e instanceof Entry.Pod p) {
                graph.select(new Selection.Workload(p.pod().workload()));
            }
        });
    }

    private void fill(MeshSpec spec, List<PodInfo> pods) {
        TreeItem<Entry> root = new TreeItem<>(new Entry.Root());
        if (spec != null) {
            for (ServiceSpec s : spec.services()) {
                TreeItem<Entry> service = new TreeItem<>(new Entry.Service(s));
                service.setExpanded(true);
                for (WorkloadSpec w : s.workloads()) {
                    TreeItem<Entry> workload = new TreeItem<>(new Entry.Workload(w));
                    workload.setExpanded(true);
                    pods.stream().filter(p -> p.workload().equals(w.name()) && p.namespace().equals(w.namespace()))
                            .forEach(p -> workload.getChildren().add(new TreeItem<>(new Entry.Pod(p))));
                    service.getChildren().add(workload);
                }
                root.getChildren().add(service);
            }
        }
        syncing = true;
        tree.setRoot(root);
        syncing = false;
    }

    private static final class EntryCell extends TreeCell<Entry> {
        private final Label name = new Label();
        private final Label detail = new Label();
        private final javafx.scene.layout.HBox box = new javafx.scene.layout.HBox(8);
        /** A pod's address under its name: side by side, a narrow pane cut the address off. */
        private final VBox stacked = new VBox(0);

        EntryCell() {
            detail.getStyleClass().add("dim");
        }

        private javafx.scene.Node lay(boolean twoLines) {
            if (twoLines) {
                stacked.getChildren().setAll(name, detail);
                return stacked;
            }
            box.getChildren().setAll(name, detail);
            return box;
        }

        @Override
        protected void updateItem(Entry item, boolean empty) {
            super.updateItem(item, empty);
            setText(null);
            if (empty || item == null) {
                setGraphic(null);
                return;
            }
            name.getStyleClass().setAll("label");
            detail.getStyleClass().setAll("label", "dim");
            setTooltip(null);
            if (item instanceof Entry.Service s) {
                name.setText(s.spec().name());
                name.getStyleClass().add("service-name");
                detail.setText(":" + s.spec().port() + " " + s.spec().protocol().name().toLowerCase(java.util.Locale.ROOT));
            } else if (item instanceof Entry.Workload w) {
                name.setText(w.spec().version());
                detail.setText(w.spec().replicas() + (w.spec().replicas() == 1 ? " pod" : " pods"));
            } else if (item instanceof Entry.Pod p) {
                name.setText(p.pod().name());
                detail.setText(p.pod().address() + ":" + p.pod().appPort());
                detail.getStyleClass().add("mono");
                setTooltip(new javafx.scene.control.Tooltip(p.pod().name() + "  " + detail.getText()));
            } else {
                name.setText("");
                detail.setText("");
            }
            setGraphic(lay(item instanceof Entry.Pod));
        }
    }
}

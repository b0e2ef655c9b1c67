package dev.loopmesh.app.editor;

import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;
import javafx.css.PseudoClass;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.fxmisc.flowless.VirtualizedScrollPane;
import org.fxmisc.richtext.CodeArea;
import org.fxmisc.richtext.model.StyleSpans;
import org.fxmisc.richtext.model.StyleSpansBuilder;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/** The policy editor: highlighted YAML with problem marks in the gutter, Apply (Ctrl+S), snippets, problems and diff (undo and redo are the window's). */
public final class EditorView extends VBox {
    private static final PseudoClass ERROR = PseudoClass.getPseudoClass("error");
    private static final PseudoClass WARNING = PseudoClass.getPseudoClass("warning");
    private static final PseudoClass APPLIED = PseudoClass.getPseudoClass("applied");
    private static final PseudoClass REJECTED = PseudoClass.getPseudoClass("rejected");
    private static final PseudoClass WARNED = PseudoClass.getPseudoClass("warned");

    private final EditorViewModel vm;
    private final CodeArea code = new CodeArea();
    private final Button apply = new Button("Apply");
    private final Button reload = new Button("Reload");
    private final MenuButton snippets = new MenuButton("Snippets");
    private final Label status = new Label();
    private final Label counts = new Label();
    private final ListView<Problem> problems = new ListView<>();
    private final TextArea diff = new TextArea();
    private final TabPane bottom = new TabPane();
    private Map<Integer, List<Problem>> byLine = Map.of();
    private boolean syncing;

    public EditorView(EditorViewModel vm) {
        this.vm = vm;
        build();
        wire();
    }

    private void build() {
        getStyleClass().add("editor");
        apply.setId("editor-apply");
        apply.getStyleClass().add("accent");
        apply.setTooltip(new Tooltip("Push the text through the control plane (Ctrl+S)"));
        reload.setId("editor-reload");
        reload.setTooltip(new Tooltip("Replace the text with the mesh's live resources"));
        snippets.setId("editor-snippets");
        for (Snippets.Snippet s : Snippets.ALL) {
            MenuItem item = new MenuItem(s.name());
            item.setOnAction(e -> vm.insertSnippet(s));
            snippets.getItems().add(item);
        }
        HBox bar = new HBox(6, apply, reload, snippets);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("editor-bar");
        status.setId("editor-status");
        status.getStyleClass().add("editor-status");
        status.setWrapText(true);
        status.setMaxWidth(Double.MAX_VALUE);

        code.setId("editor-code");
        code.getStyleClass().add("yaml-editor");
        code.setParagraphGraphicFactory(gutter());
        VirtualizedScrollPane<CodeArea> scroll = new VirtualizedScrollPane<>(code);

        problems.setId("editor-problems");
        problems.getStyleClass().add("problems");
        problems.setCellFactory(l -> new ProblemCell());
        problems.setPlaceholder(new Label("No problems"));
        problems.setOnMouseClicked(e -> jumpTo(problems.getSelectionModel().getSelectedItem()));
        diff.setId("editor-diff");
        diff.setEditable(false);
        diff.getStyleClass().addAll("mono", "diff");
        counts.getStyleClass().add("dim");
        Tab problemsTab = new Tab("Problems", problems);
        problemsTab.setClosable(false);
        problemsTab.setGraphic(counts);
        Tab diffTab = new Tab("Last change", diff);
        diffTab.setClosable(false);
        bottom.getTabs().addAll(problemsTab, diffTab);
        SplitPane split = new SplitPane(scroll, bottom);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.72);
        VBox.setVgrow(split, Priority.ALWAYS);
        getChildren().addAll(bar, status, split);
    }

    private void wire() {
        code.replaceText(vm.textProperty().get());
        code.textProperty().addListener((o, a, t) -> {
            highlight(t);
            if (!syncing) {
                syncing = true;
                vm.textProperty().set(t);
                syncing = false;
            }
        });
        vm.textProperty().addListener((o, a, t) -> {
            if (!syncing && !t.equals(code.getText())) {
                syncing = true;
                code.replaceText(t);
                code.moveTo(0);
                code.showParagraphAtTop(0);
                syncing = false;
            }
        });
        highlight(code.getText());
        vm.problemsProperty().addListener((o, a, list) -> showProblems(list));
        vm.statusProperty().addListener((o, a, s) -> status.setText(s));
        vm.outcomeProperty().addListener((o, a, out) -> {
            status.pseudoClassStateChanged(APPLIED, out == EditorViewModel.Outcome.APPLIED);
            status.pseudoClassStateChanged(REJECTED, out == EditorViewModel.Outcome.REJECTED);
            status.pseudoClassStateChanged(WARNED, out == EditorViewModel.Outcome.WARNED);
            if (out == EditorViewModel.Outcome.REJECTED) {
                bottom.getSelectionModel().select(0);
            }
        });
        vm.diffProperty().addListener((o, a, d) -> {
            diff.setText(d);
            if (!d.isEmpty()) {
                bottom.getSelectionModel().select(1);
            }
        });
        apply.setOnAction(e -> vm.apply());
        reload.setOnAction(e -> vm.reload());
        apply.disableProperty().bind(vm.readyProperty().not().or(vm.busyProperty()));
        reload.disableProperty().bind(vm.readyProperty().not());
        addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN).match(e)) {
                vm.apply();
                e.consume();
            }
        });
    }

    private void highlight(String text) {
        List<YamlHighlighter.Token> tokens = YamlHighlighter.tokens(text);
        StyleSpansBuilder<Collection<String>> spans = new StyleSpansBuilder<>();
        int at = 0;
        for (YamlHighlighter.Token t : tokens) {
            spans.add(Collections.emptyList(), t.start() - at);
            spans.add(Collections.singleton(t.styleClass()), t.end() - t.start());
            at = t.end();
        }
        spans.add(Collections.emptyList(), text.length() - at);
        StyleSpans<Collection<String>> built = spans.create();
        code.setStyleSpans(0, built);
    }

    private void showProblems(List<Problem> list) {
        problems.getItems().setAll(list);
        long errors = EditorViewModel.errors(list);
        long warnings = list.size() - errors;
        counts.setText(list.isEmpty() ? "" : errors + " ✖  " + warnings + " ⚠");
        byLine = list.stream().collect(Collectors.groupingBy(p -> p.position().line(), HashMap::new, Collectors.toList()));
        // rebuild the gutter: each paragraph's graphic reads byLine
        code.setParagraphGraphicFactory(gutter());
    }

    /** Line numbers, red or amber where a problem is, with the messages as a tooltip. */
    private IntFunction<Node> gutter() {
        return index -> {
            Label n = new Label(Integer.toString(index + 1));
            n.getStyleClass().add("gutter-line");
            List<Problem> here = byLine.get(index + 1);
            if (here != null && !here.isEmpty()) {
                boolean error = here.stream().anyMatch(p -> p.severity() == Severity.ERROR);
                n.pseudoClassStateChanged(error ? ERROR : WARNING, true);
                n.setText((error ? "✖ " : "⚠ ") + (index + 1));
                n.setTooltip(new Tooltip(here.stream().map(EditorView::describe).collect(Collectors.joining("\n"))));
            }
            n.setMinWidth(Region.USE_PREF_SIZE);
            return n;
        };
    }

    private void jumpTo(Problem p) {
        if (p == null || p.position().line() <= 0) {
            return;
        }
        int line = Math.min(code.getParagraphs().size() - 1, p.position().line() - 1);
        int col = Math.min(code.getParagraph(line).length(), Math.max(0, p.position().column() - 1));
        code.moveTo(line, col);
        code.requestFollowCaret();
        code.requestFocus();
    }

    static String describe(Problem p) {
        return p.position().line() + ":" + p.position().column() + "  " + p.severity().name().toLowerCase(java.util.Locale.ROOT) + " "
                + p.code() + "  " + p.message() + (p.path().isEmpty() ? "" : "  (at " + p.path() + ")");
    }

    private static final class ProblemCell extends ListCell<Problem> {
        @Override
        protected void updateItem(Problem p, boolean empty) {
            super.updateItem(p, empty);
            pseudoClassStateChanged(ERROR, !empty && p != null && p.severity() == Severity.ERROR);
            pseudoClassStateChanged(WARNING, !empty && p != null && p.severity() != Severity.ERROR);
            setText(empty || p == null ? null : describe(p));
            setWrapText(true);
            setPrefWidth(0);
        }
    }
}

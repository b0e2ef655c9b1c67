package dev.loopmesh.app.editor;

import dev.loopmesh.app.common.EngineCalls;
import dev.loopmesh.app.common.FxThread;
import dev.loopmesh.app.history.Reversible;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The policy editor: the text, its problems (checked as you type, debounced, off the FX thread), apply
 * through the control plane, and the diff of the last change. Each apply that changed the mesh goes to
 * the history ({@link #onChange}), which undoes and redoes it. FX thread only.
 */
public final class EditorViewModel implements AutoCloseable {
    static final long CHECK_DELAY_MILLIS = 350;

    /** How the last action ended, for the status line's colour. */
    public enum Outcome { NONE, APPLIED, WARNED, REJECTED, INFO }

    private final EngineCalls calls;
    private final ScheduledExecutorService debounce = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loopmesh-editor-debounce");
        t.setDaemon(true);
        return t;
    });
    private final StringProperty text = new SimpleStringProperty(this, "text", "");
    private final ReadOnlyObjectWrapper<List<Problem>> problems = new ReadOnlyObjectWrapper<>(this, "problems", List.of());
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyObjectWrapper<Outcome> outcome = new ReadOnlyObjectWrapper<>(this, "outcome", Outcome.NONE);
    private final ReadOnlyStringWrapper diff = new ReadOnlyStringWrapper(this, "diff", "");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy", false);
    private final ReadOnlyBooleanWrapper ready = new ReadOnlyBooleanWrapper(this, "ready", false);
    private final List<Consumer<PolicyService.Result>> listeners = new ArrayList<>();
    private final List<Consumer<Reversible>> changes = new ArrayList<>();
    private PolicyService policies;
    private ScheduledFuture<?> pendingCheck;
    private long generation;

    public EditorViewModel(EngineCalls calls) {
        this.calls = calls;
        text.addListener((o, a, b) -> scheduleCheck());
    }

    public StringProperty textProperty() {
        return text;
    }

    public ReadOnlyObjectProperty<List<Problem>> problemsProperty() {
        return problems.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Outcome> outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty diffProperty() {
        return diff.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** Whether a mesh runs to check and apply against. */
    public ReadOnlyBooleanProperty readyProperty() {
        return ready.getReadOnlyProperty();
    }

    /** Called with every apply, undo, redo or rejection, on the FX thread (the timeline listens). */
    public void onResult(Consumer<PolicyService.Result> listener) {
        listeners.add(listener);
    }

    /** Called with each apply that changed the mesh, as a change the history can undo and redo (FX thread). */
    public void onChange(Consumer<Reversible> listener) {
        changes.add(listener);
    }

    /** A mesh runs: check and apply against it, and start from its live resources. */
    public void attach(PolicyService service) {
        FxThread.check();
        policies = service;
        ready.set(true);
        diff.set("");
        status.set("");
        outcome.set(Outcome.NONE);
        reload();
    }

    public void detach() {
        policies = null;
        ready.set(false);
    }

    /** Replaces the text with every live resource of the mesh. */
    public void reload() {
        PolicyService p = policies;
        if (p == null) {
            return;
        }
        calls.call(p::allText, t -> {
            text.set(t.isEmpty() ? "# No mesh resources yet: write one, or pick a snippet, then Apply (Ctrl+S).\n" : t);
        }, this::failed);
    }

    /** Replaces the text with one live resource's, to edit and apply it again. */
    public void open(String key) {
        PolicyService p = policies;
        if (p == null) {
            return;
        }
        calls.call(() -> p.liveText(key).orElse(""), t -> {
            if (!t.isEmpty()) {
                text.set(t);
            }
        }, this::failed);
    }

    public void insertSnippet(Snippets.Snippet s) {
        text.set("# " + s.name() + ": " + s.description() + "\n" + s.yaml());
    }

    /** Applies the whole text through the control plane (Ctrl+S). */
    public void apply() {
        PolicyService p = policies;
        if (p == null || busy.get()) {
            return;
        }
        String t = text.get();
        busy.set(true);
        calls.call(() -> p.apply(t, "editor"), r -> {
            done(r);
            if (r.change() != null && p == policies) {
                Reversible c = new PolicyChange(p, r.change(), this::showHistoryStep);
                changes.forEach(l -> l.accept(c));
            }
        }, this::failed);
    }

    /** An undo or redo of an apply ran: its result in the status and the diff, the mesh's resources as the text. */
    private void showHistoryStep(PolicyService.Result r, String liveText) {
        done(r);
        text.set(liveText);
    }

    private void done(PolicyService.Result r) {
        busy.set(false);
        status.set(r.summary());
        boolean warned = r.problems().stream().anyMatch(x -> x.severity() == Severity.WARNING);
        outcome.set(r.rejected() ? Outcome.REJECTED : r.applied() ? warned ? Outcome.WARNED : Outcome.APPLIED : Outcome.INFO);
        if (r.rejected() || warned) {
            problems.set(r.problems().isEmpty() ? problems.get() : r.problems());
        }
        if (r.change() != null) {
            diff.set(r.change().diff());
        }
        listeners.forEach(l -> l.accept(r));
    }

    private void failed(String why) {
        busy.set(false);
        status.set("failed: " + why);
        outcome.set(Outcome.REJECTED);
    }

    /** After the text rests for a moment, checks it off the FX thread; a newer text makes older answers moot. */
    private void scheduleCheck() {
        long gen = ++generation;
        if (pendingCheck != null) {
            pendingCheck.cancel(false);
        }
        PolicyService p = policies;
        if (p == null) {
            return;
        }
        String t = text.get();
        pendingCheck = debounce.schedule(() -> calls.call(() -> p.check(t), c -> {
            if (gen == generation) {
                problems.set(c.problems());
            }
        }, why -> { }), CHECK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    public static long errors(List<Problem> list) {
        return list.stream().filter(x -> x.severity() == Severity.ERROR).count();
    }

    @Override
    public void close() {
        debounce.shutdownNow();
    }
}

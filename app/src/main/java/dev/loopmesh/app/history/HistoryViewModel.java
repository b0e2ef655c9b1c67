package dev.loopmesh.app.history;

import dev.loopmesh.app.common.EngineCalls;
import dev.loopmesh.app.timeline.TimelineEvent;
import dev.loopmesh.app.timeline.TimelineViewModel;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The history of what the user changed in the running mesh (policy applies, faults injected and
 * removed), with a position in it: undo takes back the change before the position, redo makes the one
 * after it again, each through the engine, each marked on the timeline. A new change after an undo
 * drops the changes that were undone. FX thread only; the engine work runs through {@link EngineCalls}.
 */
public final class HistoryViewModel {
    static final int MAX = 200;

    /** A change and whether it is in force (false: undone, so it can be redone). */
    public record Entry(Reversible change, boolean applied) {
    }

    private final EngineCalls calls;
    private final TimelineViewModel timeline;
    private final List<Reversible> changes = new ArrayList<>();
    /** changes[0, applied) are in force. */
    private int applied;
    private final ObservableList<Entry> entries = FXCollections.observableArrayList();
    private final ReadOnlyBooleanWrapper canUndo = new ReadOnlyBooleanWrapper(this, "canUndo", false);
    private final ReadOnlyBooleanWrapper canRedo = new ReadOnlyBooleanWrapper(this, "canRedo", false);
    private final ReadOnlyStringWrapper undoText = new ReadOnlyStringWrapper(this, "undoText", "Nothing to undo");
    private final ReadOnlyStringWrapper redoText = new ReadOnlyStringWrapper(this, "redoText", "Nothing to redo");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy", false);

    public HistoryViewModel(EngineCalls calls, TimelineViewModel timeline) {
        this.calls = requireNonNull(calls, "calls");
        this.timeline = requireNonNull(timeline, "timeline");
    }

    /** Oldest first. */
    public ObservableList<Entry> entries() {
        return FXCollections.unmodifiableObservableList(entries);
    }

    public ReadOnlyBooleanProperty canUndoProperty() {
        return canUndo.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canRedoProperty() {
        return canRedo.getReadOnlyProperty();
    }

    /** {@code Undo apply VirtualService default/reviews}, for the button's tooltip. */
    public ReadOnlyStringProperty undoTextProperty() {
        return undoText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty redoTextProperty() {
        return redoText.getReadOnlyProperty();
    }

    /** How the last undo or redo went. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** An undo or redo is running. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** How many changes are in force (the position in the history). */
    public int position() {
        return applied;
    }

    /** A change was made: it goes after the position; what was undone beyond it cannot be redone any more. */
    public void record(Reversible change) {
        requireNonNull(change, "change");
        while (changes.size() > applied) {
            changes.remove(changes.size() - 1);
        }
        changes.add(change);
        applied++;
        if (changes.size() > MAX) {
            changes.remove(0);
            applied--;
        }
        refresh();
    }

    /** A new mesh: nothing to undo. */
    public void clear() {
        changes.clear();
        applied = 0;
        message.set("");
        refresh();
    }

    public void undo() {
        travel(applied - 1);
    }

    public void redo() {
        travel(applied + 1);
    }

    /**
     * Undoes or redoes, one change at a time, until {@code target} changes are in force (0: none, the
     * mesh as it started). Stops at the first change that cannot be taken back or made again.
     */
    public void travel(int target) {
        if (busy.get() || target < 0 || target > changes.size() || target == applied) {
            return;
        }
        busy.set(true);
        refresh();
        step(target);
    }

    private void step(int target) {
        boolean back = target < applied;
        Reversible c = back ? changes.get(applied - 1) : changes.get(applied);
        calls.call(() -> back ? c.undo() : c.redo(), out -> {
            applied += back ? -1 : 1;
            out.onFx().run();
            String title = (back ? "undo " : "redo ") + c.title();
            timeline.mark(TimelineEvent.Kind.HISTORY, title, out.summary());
            message.set(title + (out.summary().isEmpty() ? "" : ": " + out.summary()));
            if (applied != target) {
                refresh();
                step(target);
            } else {
                busy.set(false);
                refresh();
            }
        }, why -> {
            busy.set(false);
            String title = (back ? "could not undo " : "could not redo ") + c.title();
            message.set(title + ": " + why);
            timeline.mark(TimelineEvent.Kind.REJECTED, title, why);
            refresh();
        });
    }

    private void refresh() {
        List<Entry> list = new ArrayList<>(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            list.add(new Entry(changes.get(i), i < applied));
        }
        entries.setAll(list);
        canUndo.set(!busy.get() && applied > 0);
        canRedo.set(!busy.get() && applied < changes.size());
        undoText.set(applied > 0 ? "Undo " + changes.get(applied - 1).title() : "Nothing to undo");
        redoText.set(applied < changes.size() ? "Redo " + changes.get(applied).title() : "Nothing to redo");
    }
}

package dev.loopmesh.app.history;

import dev.loopmesh.app.common.EngineCalls;
import dev.loopmesh.app.timeline.TimelineEvent;
import dev.loopmesh.app.timeline.TimelineViewModel;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The history's order and position, with changes that record what was done to a list (engine and FX calls run inline). */
class HistoryViewModelTest {
    private final List<String> log = new ArrayList<>();
    private final TimelineViewModel timeline = new TimelineViewModel();
    private final HistoryViewModel history = new HistoryViewModel(new EngineCalls(Runnable::run, Runnable::run), timeline);

    private final class Change implements Reversible {
        private final String name;
        boolean failUndo;

        Change(String name) {
            this.name = name;
        }

        @Override
        public String title() {
            return name;
        }

        @Override
        public Kind kind() {
            return Kind.POLICY;
        }

        @Override
        public String detail() {
            return "";
        }

        @Override
        public Instant time() {
            return Instant.EPOCH;
        }

        @Override
        public Outcome undo() {
            if (failUndo) {
                throw new IllegalStateException("VirtualService default/" + name + " rejected");
            }
            log.add("undo " + name);
            return new Outcome("reverted " + name, () -> log.add("fx after undo " + name));
        }

        @Override
        public Outcome redo() {
            log.add("redo " + name);
            return new Outcome("reapplied " + name, null);
        }
    }

    private Change record(String name) {
        Change c = new Change(name);
        history.record(c);
        return c;
    }

    @Test
    void undoTakesBackTheLastChangeFirstAndRedoMakesThemAgainInOrder() {
        record("a");
        record("b");
        record("c");

        history.undo();
        history.undo();
        history.redo();
        history.undo();
        history.undo();

        assertThat(log).containsExactly("undo c", "fx after undo c", "undo b", "fx after undo b", "redo b", "undo b", "fx after undo b",
                "undo a", "fx after undo a");
        assertThat(history.position()).isZero();
        assertThat(history.canUndoProperty().get()).isFalse();
        assertThat(history.canRedoProperty().get()).isTrue();
        assertThat(history.redoTextProperty().get()).isEqualTo("Redo a");
        assertThat(history.entries()).extracting(HistoryViewModel.Entry::applied).containsExactly(false, false, false);
    }

    @Test
    void everyUndoAndRedoIsMarkedOnTheTimeline() {
        record("a");

        history.undo();
        history.redo();

        assertThat(timeline.events()).extracting(TimelineEvent::kind).containsExactly(TimelineEvent.Kind.HISTORY, TimelineEvent.Kind.HISTORY);
        assertThat(timeline.events()).extracting(TimelineEvent::title).containsExactly("undo a", "redo a");
        assertThat(timeline.events()).extracting(TimelineEvent::detail).containsExactly("reverted a", "reapplied a");
    }

    @Test
    void aNewChangeAfterAnUndoDropsWhatWasUndone() {
        record("a");
        record("b");
        history.undo();

        record("c");

        assertThat(history.entries()).extracting(e -> e.change().title()).containsExactly("a", "c");
        assertThat(history.canRedoProperty().get()).isFalse();
        assertThat(history.undoTextProperty().get()).isEqualTo("Undo c");
    }

    @Test
    void travellingToAPointUndoesOrRedoesEachChangeOnTheWayOneAtATime() {
        record("a");
        record("b");
        record("c");

        history.travel(1);
        assertThat(log).containsExactly("undo c", "fx after undo c", "undo b", "fx after undo b");
        assertThat(history.entries()).extracting(HistoryViewModel.Entry::applied).containsExactly(true, false, false);

        log.clear();
        history.travel(3);
        assertThat(log).containsExactly("redo b", "redo c");
        assertThat(history.position()).isEqualTo(3);
    }

    @Test
    void aChangeThatCannotBeTakenBackStopsTheWalkAndSaysWhy() {
        record("a");
        record("b").failUndo = true;
        record("c");

        history.travel(0);

        assertThat(history.position()).isEqualTo(2);
        assertThat(history.messageProperty().get()).isEqualTo("could not undo b: VirtualService default/b rejected");
        assertThat(timeline.events()).extracting(TimelineEvent::kind).containsExactly(TimelineEvent.Kind.HISTORY, TimelineEvent.Kind.REJECTED);
        assertThat(history.busyProperty().get()).isFalse();
        assertThat(history.canUndoProperty().get()).isTrue();
    }
}

package dev.loopmesh.app.faults;

import dev.loopmesh.app.common.EngineCalls;
import dev.loopmesh.app.history.HistoryViewModel;
import dev.loopmesh.app.timeline.TimelineViewModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Faults in force through inject, remove, remove-all, and the history's undo and redo of each (engine calls inline). */
class FaultsViewModelTest {
    /** An injector that keeps its faults in a map and logs what it was asked. */
    static class FakeInjector implements FaultInjector {
        final Map<String, ActiveFault> live = new LinkedHashMap<>();
        final List<String> log = new ArrayList<>();
        private int next;

        @Override
        public Set<FaultKind> supported() {
            return EnumSet.allOf(FaultKind.class);
        }

        @Override
        public ActiveFault inject(FaultRequest request) {
            ActiveFault f = new ActiveFault("f" + ++next, request, Instant.EPOCH);
            live.put(f.id(), f);
            log.add("inject " + f.id());
            return f;
        }

        @Override
        public boolean remove(String id) {
            log.add("remove " + id);
            return live.remove(id) != null;
        }

        @Override
        public List<ActiveFault> active() {
            return List.copyOf(live.values());
        }
    }

    private final EngineCalls calls = new EngineCalls(Runnable::run, Runnable::run);
    private final TimelineViewModel timeline = new TimelineViewModel();
    private final HistoryViewModel history = new HistoryViewModel(calls, timeline);
    private final FaultsViewModel faults = new FaultsViewModel(calls);
    private final FakeInjector injector = new FakeInjector();
    private static final FaultRequest ABORT = FaultRequest.abort(new FaultTarget.Service("ratings"), 503, 50);
    private static final FaultRequest DELAY = FaultRequest.delay(new FaultTarget.Service("reviews"), 7000, 100);

    @BeforeEach
    void wire() {
        faults.onChange(history::record);
        faults.onEvent(e -> {
            if (e.type() == FaultsViewModel.FaultEvent.Type.STARTED) {
                timeline.startSpan(e.fault().id(), e.description(), "", e.time());
            } else if (e.type() == FaultsViewModel.FaultEvent.Type.ENDED) {
                timeline.endSpan(e.fault().id(), e.time());
            }
        });
        faults.attachWithoutFxCheck(injector);
    }

    private List<String> active() {
        return faults.active().stream().map(ActiveFault::describe).toList();
    }

    @Test
    void undoingAnInjectRemovesItAndRedoInjectsItAgainUnderANewId() {
        faults.inject(ABORT);
        assertThat(active()).containsExactly("abort 503 on 50 % of ratings");

        history.undo();
        assertThat(active()).isEmpty();
        assertThat(injector.live).isEmpty();

        history.redo();
        assertThat(active()).containsExactly("abort 503 on 50 % of ratings");
        assertThat(injector.log).containsExactly("inject f1", "remove f1", "inject f2");
        // two spans: the first ended by the undo, the second open since the redo
        assertThat(timeline.events().stream().filter(e -> e.kind() == dev.loopmesh.app.timeline.TimelineEvent.Kind.FAULT))
                .extracting(e -> e.end() == null).containsExactly(false, true);
    }

    @Test
    void anInjectThenARemoveUndoInReverseOrderAndEndWithNothingInForce() {
        faults.inject(ABORT);
        faults.remove(faults.active().get(0));
        assertThat(active()).isEmpty();

        history.undo();
        assertThat(active()).containsExactly("abort 503 on 50 % of ratings");
        history.undo();
        assertThat(active()).isEmpty();
        assertThat(injector.live).isEmpty();

        history.redo();
        history.redo();
        assertThat(active()).isEmpty();
        assertThat(injector.live).isEmpty();
        assertThat(injector.log).containsExactly("inject f1", "remove f1", "inject f2", "remove f2", "inject f3", "remove f3");
    }

    @Test
    void removeAllIsOneStepThatOneUndoPutsBack() {
        faults.inject(ABORT);
        faults.inject(DELAY);

        faults.removeAll();
        assertThat(active()).isEmpty();
        assertThat(history.undoTextProperty().get()).startsWith("Undo remove 2 faults");

        history.undo();
        assertThat(active()).containsExactlyInAnyOrder("abort 503 on 50 % of ratings", "delay 7000 ms on 100 % of reviews");
        history.undo();
        assertThat(active()).containsExactly("abort 503 on 50 % of ratings");
    }

    @Test
    void aFaultTheInjectorRefusesIsNotInForceAndNotInTheHistory() {
        FakeInjector refusing = new FakeInjector() {
            @Override
            public ActiveFault inject(FaultRequest request) {
                throw new IllegalArgumentException("the ingress gateway has no route to ratings");
            }
        };
        faults.attachWithoutFxCheck(refusing);

        faults.inject(ABORT);

        assertThat(active()).isEmpty();
        assertThat(history.entries()).isEmpty();
        assertThat(faults.messageProperty().get()).isEqualTo("Could not inject abort 503 on 50 % of ratings: the ingress gateway has no route to ratings");
    }
}

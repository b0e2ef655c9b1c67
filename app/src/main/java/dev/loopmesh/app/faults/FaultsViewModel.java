package dev.loopmesh.app.faults;

import dev.loopmesh.app.common.EngineCalls;
import dev.loopmesh.app.common.FxThread;
import dev.loopmesh.app.history.Reversible;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The faults in force, and the commands that add and remove them (run on the engine thread). Each
 * inject and remove goes to the history ({@link #onChange}), which undoes and redoes it. FX thread only.
 */
public final class FaultsViewModel {
    /** A fault started, ended or could not be applied: the timeline draws these. */
    public record FaultEvent(Type type, ActiveFault fault, String description, String detail, Instant time) {
        public enum Type { STARTED, ENDED, FAILED }
    }

    private final EngineCalls calls;
    private final ObservableList<ActiveFault> active = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyObjectWrapper<Set<FaultKind>> supported = new ReadOnlyObjectWrapper<>(this, "supported", Set.of());
    private final List<Consumer<FaultEvent>> listeners = new ArrayList<>();
    private final List<Consumer<Reversible>> changes = new ArrayList<>();
    /** The handle of each fault in force, by its id. */
    private final Map<String, Handle> handles = new HashMap<>();
    private FaultInjector injector;

    public FaultsViewModel(EngineCalls calls) {
        this.calls = calls;
    }

    public ObservableList<ActiveFault> active() {
        return FXCollections.unmodifiableObservableList(active);
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Set<FaultKind>> supportedProperty() {
        return supported.getReadOnlyProperty();
    }

    public void onEvent(Consumer<FaultEvent> listener) {
        listeners.add(listener);
    }

    public void attach(FaultInjector faults) {
        FxThread.check();
        attachWithoutFxCheck(faults);
    }

    /** For tests that run the view model off the FX thread. */
    void attachWithoutFxCheck(FaultInjector faults) {
        injector = faults;
        active.clear();
        handles.clear();
        supported.set(faults.supported());
    }

    public void detach() {
        injector = null;
        active.clear();
        handles.clear();
        supported.set(Set.of());
    }

    public boolean supports(FaultKind kind) {
        return supported.get().contains(kind);
    }

    public void inject(FaultRequest request) {
        FaultInjector f = injector;
        if (f == null) {
            return;
        }
        message.set("Injecting " + request.describe() + "…");
        calls.call(() -> f.inject(request), fault -> {
            Handle h = new Handle(request);
            h.current = fault;
            added(fault);
            message.set("Injected " + fault.describe());
            record(new FaultChange(f, "inject " + request.describe(), List.of(h), true));
        }, why -> {
            message.set("Could not inject " + request.describe() + ": " + why);
            emit(new FaultEvent(FaultEvent.Type.FAILED, null, request.describe(), why, Instant.now()));
        });
    }

    public void remove(ActiveFault fault) {
        FaultInjector f = injector;
        if (f == null) {
            return;
        }
        calls.call(() -> f.remove(fault.id()), removed -> {
            Handle h = handleOf(fault);
            removed(fault);
            h.current = null;
            message.set("Removed " + fault.describe());
            record(new FaultChange(f, "remove fault " + fault.describe(), List.of(h), false));
        }, why -> message.set("Could not remove " + fault.describe() + ": " + why));
    }

    /** Removes every fault in force, as one change (one undo puts them all back). */
    public void removeAll() {
        FaultInjector f = injector;
        List<ActiveFault> all = List.copyOf(active);
        if (f == null || all.isEmpty()) {
            return;
        }
        calls.call(() -> {
            all.forEach(a -> f.remove(a.id()));
            return all;
        }, gone -> {
            List<Handle> hs = new ArrayList<>();
            for (ActiveFault a : gone) {
                Handle h = handleOf(a);
                removed(a);
                h.current = null;
                hs.add(h);
            }
            message.set("Removed " + gone.size() + (gone.size() == 1 ? " fault" : " faults"));
            record(new FaultChange(f, "remove " + gone.size() + (gone.size() == 1 ? " fault" : " faults")
                    + ": " + gone.stream().map(ActiveFault::describe).collect(java.util.stream.Collectors.joining("; ")), hs, false));
        }, why -> message.set("Could not remove the faults: " + why));
    }

    /** Called with each inject or remove as a change the history can undo and redo (FX thread). */
    public void onChange(Consumer<Reversible> listener) {
        changes.add(listener);
    }

    private void record(Reversible c) {
        changes.forEach(l -> l.accept(c));
    }

    private Handle handleOf(ActiveFault fault) {
        Handle h = handles.get(fault.id());
        if (h == null) {
            h = new Handle(fault.request());
            h.current = fault;
        }
        return h;
    }

    private void added(ActiveFault fault) {
        active.add(fault);
        emit(new FaultEvent(FaultEvent.Type.STARTED, fault, fault.describe(), "", fault.since()));
    }

    private void removed(ActiveFault fault) {
        active.removeIf(a -> a.id().equals(fault.id()));
        handles.remove(fault.id());
        emit(new FaultEvent(FaultEvent.Type.ENDED, fault, fault.describe(), "removed", Instant.now()));
    }

    /** One fault the user asked for, across its injections: each redo injects it again, under a new id. */
    private static final class Handle {
        final FaultRequest request;
        ActiveFault current;

        Handle(FaultRequest request) {
            this.request = request;
        }
    }

    /** Faults injected (undo removes them) or removed (undo injects them again), as the history keeps them. */
    private final class FaultChange implements Reversible {
        private final FaultInjector injector;
        private final String title;
        private final List<Handle> faults;
        private final boolean injected;
        private final Instant time = Instant.now();

        FaultChange(FaultInjector injector, String title, List<Handle> faults, boolean injected) {
            this.injector = injector;
            this.title = title;
            this.faults = List.copyOf(faults);
            this.injected = injected;
            if (injected) {
                faults.forEach(h -> handles.put(h.current.id(), h));
            }
        }

        @Override
        public String title() {
            return title;
        }

        @Override
        public Kind kind() {
            return Kind.FAULT;
        }

        @Override
        public String detail() {
            return faults.stream().map(h -> h.request.describe()).collect(java.util.stream.Collectors.joining("\n"));
        }

        @Override
        public Instant time() {
            return time;
        }

        @Override
        public Outcome undo() {
            return injected ? takeOut() : putBack();
        }

        @Override
        public Outcome redo() {
            return injected ? putBack() : takeOut();
        }

        /** Engine thread: removes the faults' current injections. */
        private Outcome takeOut() {
            List<ActiveFault> gone = new ArrayList<>();
            for (Handle h : faults) {
                ActiveFault f = h.current;
                if (f != null && injector.remove(f.id())) {
                    gone.add(f);
                }
            }
            return new Outcome("removed " + describe(gone), () -> {
                for (Handle h : faults) {
                    if (h.current != null && gone.contains(h.current)) {
                        removed(h.current);
                        h.current = null;
                    }
                }
            });
        }

        /** Engine thread: injects the faults again. */
        private Outcome putBack() {
            List<ActiveFault> back = new ArrayList<>();
            List<Handle> of = new ArrayList<>();
            for (Handle h : faults) {
                if (h.current == null) {
                    back.add(injector.inject(h.request));
                    of.add(h);
                }
            }
            return new Outcome("injected " + describe(back), () -> {
                for (int i = 0; i < back.size(); i++) {
                    of.get(i).current = back.get(i);
                    handles.put(back.get(i).id(), of.get(i));
                    added(back.get(i));
                }
            });
        }

        private String describe(List<ActiveFault> list) {
            return list.isEmpty() ? "nothing" : list.stream().map(ActiveFault::describe).collect(java.util.stream.Collectors.joining("; "));
        }
    }

    private void emit(FaultEvent e) {
        listeners.forEach(l -> l.accept(e));
    }
}

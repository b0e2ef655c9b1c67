package dev.loopmesh.app.faults;

import dev.loopmesh.app.common.EngineCalls;
import dev.loopmesh.app.common.FxThread;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** The faults in force, and the commands that add and remove them (run on the engine thread). FX thread only. */
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
        injector = faults;
        active.clear();
        supported.set(faults.supported());
    }

    public void detach() {
        injector = null;
        active.clear();
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
            active.add(fault);
            message.set("Injected " + fault.describe());
            emit(new FaultEvent(FaultEvent.Type.STARTED, fault, fault.describe(), "", fault.since()));
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
            active.removeIf(a -> a.id().equals(fault.id()));
            message.set("Removed " + fault.describe());
            emit(new FaultEvent(FaultEvent.Type.ENDED, fault, fault.describe(), "removed", Instant.now()));
        }, why -> message.set("Could not remove " + fault.describe() + ": " + why));
    }

    public void removeAll() {
        new ArrayList<>(active).forEach(this::remove);
    }

    private void emit(FaultEvent e) {
        listeners.forEach(l -> l.accept(e));
    }
}

package dev.loopmesh.app.faults;

import java.util.List;
import java.util.Set;

/**
 * Breaks a running mesh on purpose and mends it again. Implementations call the engine and may block:
 * the app calls them on its engine thread only.
 */
public interface FaultInjector {

    /** The kinds this injector can apply (the others show disabled, saying why). */
    Set<FaultKind> supported();

    /** Starts a fault; throws with a message for the user when it cannot. */
    ActiveFault inject(FaultRequest request);

    /** Ends a fault; false when there is none with this id. */
    boolean remove(String id);

    List<ActiveFault> active();
}

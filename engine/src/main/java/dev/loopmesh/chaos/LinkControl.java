package dev.loopmesh.chaos;

import java.util.List;

/**
 * What the engine needs from the mesh to break links: each time the set of active link faults changes,
 * the engine hands over the whole set (so overlapping faults on one link compose in one place).
 * {@link LinkFaultTable} is the implementation the proxies read.
 */
@FunctionalInterface
public interface LinkControl {
    void set(List<LinkRule> active);
}

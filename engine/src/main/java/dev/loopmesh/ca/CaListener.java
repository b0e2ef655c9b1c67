package dev.loopmesh.ca;

/** Receives the authority's events; a listener that throws cannot break issuance or rotation. */
@FunctionalInterface
public interface CaListener {
    void onEvent(CaEvent event);
}

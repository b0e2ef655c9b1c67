package dev.loopmesh.bench;

/** A configuration that could not run, and why. */
record Skipped(String name, String reason) {
}

package dev.loopmesh.app.graph;

/** What the user picked in the graph (or the services list). */
public sealed interface Selection {
    Selection NONE = new None();

    record None() implements Selection {
    }

    /** A service box, or the ingress. */
    record Service(String name) implements Selection {
    }

    /** A version row inside a service box ({@code reviews-v2}). */
    record Workload(String name) implements Selection {
    }

    /** An edge between two workloads, as edge statistics name them. */
    record Edge(String source, String destination) implements Selection {
    }
}

package dev.loopmesh.topology;

import java.util.List;
import java.util.stream.Collectors;

/** A topology that cannot be used; carries every problem found, one line each. */
public final class TopologyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    public TopologyException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public TopologyException(Problem problem) {
        this(List.of(problem));
    }

    public List<Problem> problems() {
        return problems;
    }
}

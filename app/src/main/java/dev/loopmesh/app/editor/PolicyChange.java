package dev.loopmesh.app.editor;

import dev.loopmesh.app.history.Reversible;

import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** An apply from the editor, as the history keeps it: undone by re-applying what was before, redone by applying it again. */
final class PolicyChange implements Reversible {
    private final PolicyService policies;
    private final PolicyService.Change change;
    /** Shows an undo's or redo's result and the mesh's text afterwards in the editor (FX thread). */
    private final BiConsumer<PolicyService.Result, String> show;

    PolicyChange(PolicyService policies, PolicyService.Change change, BiConsumer<PolicyService.Result, String> show) {
        this.policies = requireNonNull(policies, "policies");
        this.change = requireNonNull(change, "change");
        this.show = requireNonNull(show, "show");
    }

    @Override
    public String title() {
        return "apply " + change.steps().stream()
                .map(s -> s.resource() + (s.before() == null ? " (new)" : s.after() == null ? " (deleted)" : ""))
                .collect(Collectors.joining(", "));
    }

    @Override
    public Kind kind() {
        return Kind.POLICY;
    }

    @Override
    public String detail() {
        return change.diff();
    }

    @Override
    public Instant time() {
        return change.time();
    }

    @Override
    public Outcome undo() {
        return done(policies.revert(change, "undo"));
    }

    @Override
    public Outcome redo() {
        return done(policies.reapply(change, "redo"));
    }

    private Outcome done(PolicyService.Result r) {
        if (r.rejected()) {
            throw new IllegalStateException(r.summary());
        }
        String text = policies.allText();
        return new Outcome(r.summary(), () -> show.accept(r, text));
    }
}

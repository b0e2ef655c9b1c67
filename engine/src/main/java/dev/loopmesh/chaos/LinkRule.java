package dev.loopmesh.chaos;

import static java.util.Objects.requireNonNull;

/** An active link fault and the experiment it belongs to. */
public record LinkRule(String chaosId, ChaosFault.LinkChaos fault) {
    public LinkRule {
        requireNonNull(chaosId, "chaosId");
        requireNonNull(fault, "fault");
    }

    /** Whether the rule acts on traffic from {@code from} to {@code to} (a partition acts both ways). */
    public boolean matches(LinkPeer from, LinkPeer to) {
        if (fault instanceof ChaosFault.Partition) {
            ChaosFault.Partition p = (ChaosFault.Partition) fault;
            return from.is(p.a()) && to.is(p.b()) || from.is(p.b()) && to.is(p.a());
        }
        return from.is(fault.from()) && to.is(fault.to());
    }
}

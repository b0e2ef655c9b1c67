package dev.loopmesh.controlplane;

import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The analogue of istiod: keeps the accepted resources, translates them into one snapshot per
 * proxy, and pushes a snapshot only to the proxies whose snapshot changed. A rejected resource
 * never reaches a proxy: the last good config keeps running. Applies are serialized.
 */
public final class ControlPlane {
    /** Delivers a snapshot to a proxy and returns its ACK or NACK detail (null = ACK). */
    public interface Pusher extends BiFunction<String, ProxySnapshot, String> {
    }

    private final Translator translator;
    private final Registry registry;
    private final Clock clock;
    private final Map<String, MeshResource> resources = new LinkedHashMap<>();
    private final Map<String, ProxySnapshot> current = new LinkedHashMap<>();
    private final List<ConfigEvent> events = new ArrayList<>();
    private final int maxEvents;
    private Pusher pusher = (proxy, s) -> null;
    private java.util.function.Consumer<ConfigEvent> listener = e -> { };
    private long version;
    private long sequence;

    public ControlPlane(Translator translator, Registry registry, Clock clock, int maxEvents) {
        this.translator = Objects.requireNonNull(translator, "translator");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxEvents = maxEvents;
    }

    public synchronized void setPusher(Pusher pusher) {
        this.pusher = Objects.requireNonNull(pusher, "pusher");
    }

    /** Told of every config event, in order, while the control plane holds its lock: keep it quick. */
    public synchronized void setListener(java.util.function.Consumer<ConfigEvent> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public Registry registry() {
        return registry;
    }

    public Translator translator() {
        return translator;
    }

    /** Validates and applies resources, as {@code kubectl apply}: each is accepted or rejected on its own. */
    public synchronized ApplyResult apply(List<MeshResource> incoming) {
        List<ApplyResult.Outcome> outcomes = new ArrayList<>();
        Map<String, MeshResource> next = new LinkedHashMap<>(resources);
        List<MeshResource> accepted = new ArrayList<>();
        // what a resource means may depend on the others it joins (a CUSTOM policy's provider in the MeshConfig)
        Map<String, MeshResource> context = new LinkedHashMap<>(resources);
        incoming.forEach(r -> context.put(r.key(), r));
        List<MeshResource> contextList = List.copyOf(context.values());
        for (MeshResource r : incoming) {
            List<Problem> problems = translator.validate(r, registry, contextList);
            boolean ok = problems.stream().noneMatch(p -> p.severity() == Severity.ERROR);
            if (!ok) {
                outcomes.add(new ApplyResult.Outcome(label(r), false, "rejected", problems, List.of()));
                event(ConfigEvent.Type.REJECTED, label(r), List.of(), version,
                        problems.stream().filter(p -> p.severity() == Severity.ERROR).map(Problem::toString).findFirst().orElse(""));
                continue;
            }
            MeshResource before = next.put(r.key(), r);
            accepted.add(r);
            outcomes.add(new ApplyResult.Outcome(label(r), true, before == null ? "created" : sameSpec(before, r) ? "unchanged" : "configured",
                    problems, List.of()));
        }
        if (accepted.isEmpty()) {
            return new ApplyResult(outcomes, version);
        }
        List<String> changed = pushAll(next);
        for (int i = 0; i < outcomes.size(); i++) {
            ApplyResult.Outcome o = outcomes.get(i);
            if (o.accepted()) {
                outcomes.set(i, new ApplyResult.Outcome(o.resource(), true, o.action(), o.problems(), changed));
                event(changed.isEmpty() ? ConfigEvent.Type.UNCHANGED : ConfigEvent.Type.APPLIED, o.resource(), changed, version,
                        o.action());
            }
        }
        return new ApplyResult(outcomes, version);
    }

    /** Deletes resources by identity; unknown ones are reported, not an error for the others. */
    public synchronized ApplyResult delete(List<MeshResource> toDelete) {
        List<ApplyResult.Outcome> outcomes = new ArrayList<>();
        Map<String, MeshResource> next = new LinkedHashMap<>(resources);
        boolean any = false;
        for (MeshResource r : toDelete) {
            if (next.remove(r.key()) == null) {
                outcomes.add(new ApplyResult.Outcome(label(r), false, "not found", List.of(), List.of()));
            } else {
                any = true;
                outcomes.add(new ApplyResult.Outcome(label(r), true, "deleted", List.of(), List.of()));
            }
        }
        if (!any) {
            return new ApplyResult(outcomes, version);
        }
        List<String> changed = pushAll(next);
        for (int i = 0; i < outcomes.size(); i++) {
            ApplyResult.Outcome o = outcomes.get(i);
            if (o.accepted()) {
                outcomes.set(i, new ApplyResult.Outcome(o.resource(), true, o.action(), List.of(), changed));
                event(ConfigEvent.Type.DELETED, o.resource(), changed, version, "");
            }
        }
        return new ApplyResult(outcomes, version);
    }

    /** Translates everything and pushes what changed; returns the proxies whose snapshot changed. */
    private List<String> pushAll(Map<String, MeshResource> next) {
        long v = version + 1;
        Map<String, ProxySnapshot> computed = translator.translate(registry, List.copyOf(next.values()), v);
        resources.clear();
        resources.putAll(next);
        version = v;
        List<String> changed = new ArrayList<>();
        Map<Object, Map<Object, Boolean>> compared = new java.util.IdentityHashMap<>();
        for (Map.Entry<String, ProxySnapshot> e : computed.entrySet()) {
            ProxySnapshot before = current.get(e.getKey());
            if (before != null && before.sameContent(e.getValue(), compared)) {
                continue;
            }
            String nack = pusher.apply(e.getKey(), e.getValue());
            if (nack == null) {
                current.put(e.getKey(), e.getValue());
                changed.add(e.getKey());
            } else {
                event(ConfigEvent.Type.NACKED, e.getKey(), List.of(e.getKey()), v, nack);
            }
        }
        return changed;
    }

    /** The snapshots of every proxy, computing them the first time (before any proxy exists). */
    public synchronized Map<String, ProxySnapshot> initialSnapshots(List<MeshResource> initial) {
        apply(initial);
        if (current.isEmpty()) {
            // nothing to apply (or nothing changed): the proxies still need their first snapshot
            version++;
            current.putAll(translator.translate(registry, List.copyOf(resources.values()), version));
        }
        return Map.copyOf(current);
    }

    public synchronized ProxySnapshot snapshot(String proxy) {
        return current.get(proxy);
    }

    public synchronized List<MeshResource> resources() {
        return List.copyOf(resources.values());
    }

    public synchronized long version() {
        return version;
    }

    public synchronized List<ConfigEvent> events(long afterSequence) {
        return events.stream().filter(e -> e.sequence() > afterSequence).toList();
    }

    private void event(ConfigEvent.Type type, String resource, List<String> proxies, long v, String detail) {
        ConfigEvent e = new ConfigEvent(++sequence, clock.instant(), type, resource, proxies, v, detail);
        events.add(e);
        listener.accept(e);
        if (events.size() > maxEvents) {
            events.remove(0);
        }
    }

    private static boolean sameSpec(MeshResource a, MeshResource b) {
        return a.spec().plain().equals(b.spec().plain()) && a.labels().equals(b.labels()) && a.annotations().equals(b.annotations());
    }

    static String label(MeshResource r) {
        return r.kind() + " " + r.namespace() + "/" + r.name();
    }
}

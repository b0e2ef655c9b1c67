package dev.loopmesh.app.traffic;

import dev.loopmesh.Mesh;
import dev.loopmesh.app.common.EngineCalls;
import dev.loopmesh.app.common.MeshHandle;
import dev.loopmesh.app.timeline.TimelineEvent;
import dev.loopmesh.app.timeline.TimelineViewModel;
import dev.loopmesh.topology.TrafficClientSpec;
import dev.loopmesh.traffic.TrafficSnapshot;
import dev.loopmesh.traffic.TrafficTarget;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The load clients: their live numbers, and commands to change a client's rate, pause it, or change
 * its header mix (the client is replaced by one with the new mix, as the engine's clients keep their
 * headers). Each change is a marker on the timeline. FX thread only.
 */
public final class LoadViewModel {
    private final EngineCalls calls;
    private final TimelineViewModel timeline;
    private final ReadOnlyObjectWrapper<TrafficSnapshot> snapshot = new ReadOnlyObjectWrapper<>(this, "snapshot",
            new TrafficSnapshot(List.of()));
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final Map<String, TrafficClientSpec> specs = new LinkedHashMap<>();
    private MeshHandle handle;

    public LoadViewModel(EngineCalls calls, TimelineViewModel timeline) {
        this.calls = calls;
        this.timeline = timeline;
    }

    public ReadOnlyObjectProperty<TrafficSnapshot> snapshotProperty() {
        return snapshot.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public void attach(MeshHandle h) {
        handle = h;
        specs.clear();
        h.spec().traffic().forEach(c -> specs.put(c.name(), c));
    }

    public void detach() {
        handle = null;
        snapshot.set(new TrafficSnapshot(List.of()));
    }

    public void update(TrafficSnapshot latest) {
        if (latest != null && !latest.equals(snapshot.get())) {
            snapshot.set(latest);
        }
    }

    /** The header mix of a client as text: {@code end-user: jason=0.2, =0.8} (an empty value: header absent). */
    public String headerMix(String client) {
        TrafficClientSpec spec = specs.get(client);
        if (spec == null) {
            return "";
        }
        return spec.headers().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().stream()
                .map(w -> w.value() + "=" + number(w.weight())).collect(Collectors.joining(", "))).collect(Collectors.joining("; "));
    }

    /** Parses {@code name: value=weight, value=weight; name2: …}. */
    static Map<String, List<TrafficClientSpec.Weighted>> parseMix(String text) {
        Map<String, List<TrafficClientSpec.Weighted>> out = new LinkedHashMap<>();
        for (String header : text.split(";")) {
            if (header.isBlank()) {
                continue;
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("`" + header.strip() + "` (expected: name: value=weight, value=weight)");
            }
            List<TrafficClientSpec.Weighted> values = new ArrayList<>();
            for (String v : header.substring(colon + 1).split(",")) {
                if (v.isBlank()) {
                    continue;
                }
                int eq = v.lastIndexOf('=');
                String value = eq < 0 ? v.strip() : v.substring(0, eq).strip();
                double weight = eq < 0 ? 1 : Double.parseDouble(v.substring(eq + 1).strip());
                values.add(new TrafficClientSpec.Weighted(value, weight));
            }
            out.put(header.substring(0, colon).strip(), values);
        }
        return out;
    }

    public void setRate(String client, double perSecond) {
        MeshHandle h = handle;
        if (h == null || !(perSecond > 0)) {
            return;
        }
        calls.call(() -> {
            h.mesh().load().setRate(client, perSecond);
            return perSecond;
        }, r -> mark(client + " rate → " + number(r) + "/s", ""), this::failed);
    }

    public void setPaused(String client, boolean paused) {
        MeshHandle h = handle;
        if (h == null) {
            return;
        }
        calls.call(() -> {
            if (paused) {
                h.mesh().load().pause(client);
            } else {
                h.mesh().load().resume(client);
            }
            return paused;
        }, p -> mark(client + (p ? " paused" : " resumed"), ""), this::failed);
    }

    /** Replaces the client by one with the new header mix, keeping its rate and paths. */
    public void setHeaderMix(String client, String text) {
        MeshHandle h = handle;
        TrafficClientSpec spec = specs.get(client);
        if (h == null || spec == null) {
            return;
        }
        Map<String, List<TrafficClientSpec.Weighted>> mix;
        try {
            mix = parseMix(text);
        } catch (RuntimeException e) {
            message.set("Header mix: " + e.getMessage());
            return;
        }
        double rate = snapshot.get().client(client).map(c -> c.ratePerSecond()).orElse(spec.ratePerSecond());
        TrafficClientSpec next = new TrafficClientSpec(spec.name(), spec.target(), spec.method(), spec.paths(), rate, mix, spec.position());
        calls.call(() -> {
            Mesh mesh = h.mesh();
            mesh.load().remove(client);
            mesh.load().add(next, target(mesh, next));
            return next;
        }, n -> {
            specs.put(client, n);
            mark(client + " headers → " + text, "");
        }, this::failed);
    }

    private static TrafficTarget target(Mesh mesh, TrafficClientSpec c) {
        if (c.target().equals("ingress")) {
            return TrafficTarget.fixed(mesh.ingressAddress(), "127.0.0.1:" + mesh.ingressAddress().getPort());
        }
        String ns = mesh.topology().mesh().namespace();
        int port = mesh.topology().mesh().service(c.target(), ns).map(s -> s.port()).orElse(80);
        return TrafficTarget.service(mesh.resolver(), c.target(), ns, port);
    }

    private void mark(String title, String detail) {
        message.set(title);
        timeline.mark(TimelineEvent.Kind.LOAD, "load: " + title, detail);
    }

    private void failed(String why) {
        message.set("Load: " + why);
    }

    static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
    }
}

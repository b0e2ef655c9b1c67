package dev.loopmesh.traffic;

import java.util.List;
import java.util.Optional;

/** Every load client at one moment. */
public record TrafficSnapshot(List<ClientStats> clients) {
    public TrafficSnapshot {
        clients = List.copyOf(clients);
    }

    public Optional<ClientStats> client(String name) {
        return clients.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}

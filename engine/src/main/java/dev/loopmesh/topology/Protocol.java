package dev.loopmesh.topology;

import java.util.Locale;

/** The protocol a service speaks on its port, as Istio infers it from the port name or appProtocol. */
public enum Protocol {
    HTTP, HTTP2, GRPC, TCP;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isHttp() {
        return this != TCP;
    }
}

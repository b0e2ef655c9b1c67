package dev.loopmesh.app.inspector;

import dev.loopmesh.app.graph.ResponseFlags;
import dev.loopmesh.telemetry.AccessLog;
import dev.loopmesh.telemetry.RequestRecord;

import java.util.Locale;

/** One request as a proxy logged it, for people: the Envoy access-log line, what its flags mean, and the decision trace. */
final class RequestDetail {
    private RequestDetail() {
    }

    static String of(RequestRecord r) {
        StringBuilder out = new StringBuilder();
        out.append(r.proxy()).append(" (").append("source".equals(r.reporter()) ? "caller's side" : "callee's side").append(")\n");
        out.append(AccessLog.envoyFormat(r)).append("\n\n");
        if (r.isTcp()) {
            out.append(String.format(Locale.ROOT, "TCP connection%s: %d bytes in, %d bytes out, open %.1f ms, %s%n",
                    r.requestedServerName().isEmpty() ? "" : " (TLS, SNI " + r.requestedServerName() + ")", r.requestBytes(),
                    r.responseBytes(), r.durationMicros() / 1000.0, r.mtls() ? "mTLS" : "plaintext"));
        } else {
            out.append(String.format(Locale.ROOT, "%s %s → %d in %.1f ms, %d attempt(s), %s%n", r.method(), r.path(), r.status(),
                    r.durationMicros() / 1000.0, Math.max(1, r.attempts()), r.mtls() ? "mTLS" : "plaintext"));
        }
        out.append("from ").append(r.sourceWorkload()).append(" to ").append(r.destinationWorkload())
                .append(" (").append(r.destinationService()).append(") via ").append(r.upstreamCluster()).append(" at ").append(r.upstreamHost()).append('\n');
        if (!"-".equals(r.responseFlags()) && !r.responseFlags().isEmpty()) {
            for (String flag : r.responseFlags().split(",")) {
                out.append("flag ").append(flag).append(": ").append(ResponseFlags.meaning(flag)).append('\n');
            }
        }
        out.append("\nDECISION TRACE\n");
        if (r.trace().isEmpty()) {
            out.append("  (none recorded)\n");
        }
        for (String line : r.trace()) {
            out.append("  ").append(line).append('\n');
        }
        return out.toString();
    }
}

package dev.loopmesh.policy.authz;

import java.util.List;
import java.util.Map;

/**
 * What authorization sees of one request at a workload's inbound listener.
 *
 * @param principal   the peer's mTLS identity without {@code spiffe://} ({@code cluster.local/ns/default/sa/x}), "" for plaintext
 * @param sourceIp    the direct peer's address (Istio's {@code source.ip}, {@code ipBlocks})
 * @param remoteIp    the original client's address (Istio's {@code remote.ip}, {@code remoteIpBlocks})
 * @param host        the Host / :authority header
 * @param port        the destination (workload) port
 * @param path        the normalized path, without the query
 * @param headers     lower-case names; repeated headers kept in order
 * @param auth        the verified JWT identity, or null when the request has none
 * @param mtls        whether the connection is mutual TLS
 */
public record AuthzRequest(String principal, String sourceIp, String remoteIp, String host, int port, String destinationIp,
                           String method, String path, Map<String, List<String>> headers, RequestAuth auth, String sni,
                           boolean mtls) {
    public AuthzRequest {
        principal = principal == null ? "" : principal;
        sourceIp = sourceIp == null ? "" : sourceIp;
        remoteIp = remoteIp == null || remoteIp.isEmpty() ? sourceIp : remoteIp;
        host = host == null ? "" : host;
        destinationIp = destinationIp == null ? "" : destinationIp;
        method = method == null ? "" : method;
        path = path == null ? "" : path;
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        sni = sni == null ? "" : sni;
    }

    /** The namespace of the peer's identity ({@code /ns/<ns>/}), "" without mTLS. */
    public String sourceNamespace() {
        int i = principal.indexOf("/ns/");
        if (i < 0) {
            return "";
        }
        int end = principal.indexOf('/', i + 4);
        return end < 0 ? principal.substring(i + 4) : principal.substring(i + 4, end);
    }

    /** Istio joins repeated headers with a comma before matching; null when absent. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? null : String.join(",", v);
    }
}

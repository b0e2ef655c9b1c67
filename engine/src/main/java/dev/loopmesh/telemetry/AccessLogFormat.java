package dev.loopmesh.telemetry;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Istio's default access log, in its two encodings. TEXT is Istio's {@code EnvoyTextLogFormat}
 * (pilot/pkg/model/telemetry_logging.go, the format {@code meshConfig.accessLogFormat} defaults to):
 *
 * <pre>
 * [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS%
 * %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED%
 * %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
 * "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS%
 * %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%
 * </pre>
 *
 * (one line). JSON uses the field names of Istio's {@code EnvoyJSONLogFormatIstio}, plus Envoy's
 * {@code upstream_request_attempt_count}. As in Envoy, a value we do not have is {@code -} in TEXT and
 * {@code null} in JSON. A TCP connection (Envoy's tcp_proxy) is one line at its close, in the same format:
 * {@code "- - -" 0}, its flags, bytes received from and sent to the downstream, its lifetime, the upstream
 * host and cluster, the addresses and the SNI of TLS pass-through. Both encodings come from one ordered map, so a client holding the JSON (the CLI)
 * prints exactly the line the server would.
 */
public final class AccessLogFormat {
    /** Istio's JSON names, in the order the TEXT line prints them. */
    public static final List<String> ISTIO_JSON_FIELDS = List.of("start_time", "method", "path", "protocol", "response_code",
            "response_flags", "response_code_details", "connection_termination_details", "upstream_transport_failure_reason",
            "bytes_received", "bytes_sent", "duration", "upstream_service_time", "x_forwarded_for", "user_agent", "request_id",
            "authority", "upstream_host", "upstream_cluster", "upstream_local_address", "downstream_local_address",
            "downstream_remote_address", "requested_server_name", "route_name");
    /** Not in Istio's default JSON, but Envoy's operator for it; the issue asks for the attempt count. */
    public static final String ATTEMPTS = "upstream_request_attempt_count";

    private static final DateTimeFormatter START_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private AccessLogFormat() {
    }

    /** The record as Istio's JSON access log object (insertion-ordered; absent values are null). */
    public static Map<String, Object> fields(RequestRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start_time", START_TIME.format(Instant.ofEpochMilli(r.startEpochMillis())));
        m.put("method", orNull(r.method()));
        m.put("path", orNull(path(r.path())));
        m.put("protocol", protocol(r.protocol()));
        m.put("response_code", r.status());
        // Envoy's JSON prints "-" for no flags (and null for the other values it does not have)
        m.put("response_flags", r.responseFlags() == null || r.responseFlags().isEmpty() ? "-" : r.responseFlags());
        m.put("response_code_details", responseCodeDetails(r));
        m.put("connection_termination_details", null);
        m.put("upstream_transport_failure_reason", null);
        m.put("bytes_received", r.requestBytes());
        m.put("bytes_sent", r.responseBytes());
        m.put("duration", r.durationMicros() / 1000);
        m.put("upstream_service_time", r.upstreamServiceMicros() > 0 ? Long.toString(r.upstreamServiceMicros() / 1000) : null);
        m.put("x_forwarded_for", null);
        m.put("user_agent", orNull(r.userAgent()));
        m.put("request_id", orNull(r.requestId()));
        m.put("authority", orNull(r.authority()));
        m.put("upstream_host", orNull(r.upstreamHost()));
        m.put("upstream_cluster", orNull(r.upstreamCluster()));
        m.put("upstream_local_address", orNull(r.upstreamLocalAddress()));
        m.put("downstream_local_address", orNull(r.downstreamLocalAddress()));
        m.put("downstream_remote_address", orNull(r.downstreamAddress()));
        m.put("requested_server_name", orNull(r.requestedServerName()));
        m.put("route_name", orNull(r.routeName()));
        m.put(ATTEMPTS, r.attempts() > 0 ? r.attempts() : null);
        return m;
    }

    /** Istio's default TEXT line for one record, without the trailing newline. */
    public static String text(RequestRecord r) {
        return text(fields(r));
    }

    /** The TEXT line for a JSON access log object (as {@link #fields} makes it, or as parsed back from JSON). */
    public static String text(Map<String, ?> f) {
        StringBuilder sb = new StringBuilder(320);
        sb.append('[').append(v(f, "start_time")).append("] \"")
                .append(v(f, "method")).append(' ').append(v(f, "path")).append(' ').append(v(f, "protocol")).append("\" ")
                .append(v(f, "response_code")).append(' ')
                .append(v(f, "response_flags")).append(' ')
                .append(v(f, "response_code_details")).append(' ')
                .append(v(f, "connection_termination_details")).append(' ')
                .append('"').append(v(f, "upstream_transport_failure_reason")).append("\" ")
                .append(v(f, "bytes_received")).append(' ')
                .append(v(f, "bytes_sent")).append(' ')
                .append(v(f, "duration")).append(' ')
                .append(v(f, "upstream_service_time")).append(' ')
                .append('"').append(v(f, "x_forwarded_for")).append("\" ")
                .append('"').append(v(f, "user_agent")).append("\" ")
                .append('"').append(v(f, "request_id")).append("\" ")
                .append('"').append(v(f, "authority")).append("\" ")
                .append('"').append(v(f, "upstream_host")).append("\" ")
                .append(v(f, "upstream_cluster")).append(' ')
                .append(v(f, "upstream_local_address")).append(' ')
                .append(v(f, "downstream_local_address")).append(' ')
                .append(v(f, "downstream_remote_address")).append(' ')
                .append(v(f, "requested_server_name")).append(' ')
                .append(v(f, "route_name"));
        return sb.toString();
    }

    /**
     * {@code %REQ(:PATH)%}: an app talking to its sidecar as an HTTP proxy sends the absolute form
     * ({@code http://reviews:9080/reviews/0}); Envoy's {@code :path} is the origin form ({@code /reviews/0}).
     */
    static String path(String uri) {
        if (uri == null || uri.isEmpty()) {
            return uri;
        }
        int scheme = uri.indexOf("://");
        if (scheme > 0 && uri.charAt(0) != '/') {
            int slash = uri.indexOf('/', scheme + 3);
            int query = uri.indexOf('?', scheme + 3);
            if (slash < 0 || (query >= 0 && query < slash)) {
                return query < 0 ? "/" : "/" + uri.substring(query);
            }
            return uri.substring(slash);
        }
        return uri;
    }

    /** {@code %PROTOCOL%} prints the HTTP version. */
    static String protocol(String protocol) {
        if (protocol == null) {
            return null;
        }
        switch (protocol.toLowerCase(Locale.ROOT)) {
            case "http":
            case "http/1.1":
            case "http1":
                return "HTTP/1.1";
            case "http2":
            case "h2":
            case "h2c":
            case "grpc":
            case "http/2":
                return "HTTP/2";
            case "tcp":
                return null;
            default:
                return protocol;
        }
    }

    /**
     * {@code %RESPONSE_CODE_DETAILS%}, derived from the flags: Envoy's names (the HTTP connection manager's
     * "Response Code Details" page) for the reasons a Loopmesh proxy ends a request.
     */
    static String responseCodeDetails(RequestRecord r) {
        if (r.isTcp()) {
            return null; // a connection has no response: Envoy's tcp_proxy logs "-"
        }
        String flags = r.responseFlags() == null ? "-" : r.responseFlags();
        List<String> f = flags.equals("-") ? List.of() : List.of(flags.split(","));
        if (f.contains("NR")) {
            return "route_not_found";
        }
        if (f.contains("FI")) {
            return "fault_filter_abort";
        }
        if (f.contains("RL")) {
            return "local_rate_limited";
        }
        if (f.contains("RBAC")) {
            return "rbac_access_denied_matched_policy[none]";
        }
        if (f.contains("UH")) {
            return "no_healthy_upstream";
        }
        if (f.contains("NC")) {
            return "cluster_not_found";
        }
        if (f.contains("UO")) {
            return "upstream_reset_before_response_started{overflow}";
        }
        if (f.contains("UT")) {
            return perTryTimeout(r) ? "upstream_per_try_timeout" : "response_timeout";
        }
        if (f.contains("UF")) {
            return "upstream_reset_before_response_started{connection_failure}";
        }
        if (f.contains("UC")) {
            return "upstream_reset_before_response_started{connection_termination}";
        }
        if (f.contains("UR")) {
            return "upstream_reset_before_response_started{remote_reset}";
        }
        if (f.contains("DC")) {
            return "downstream_remote_disconnect";
        }
        if (f.contains("DPE")) {
            return "codec_error";
        }
        if (r.status() <= 0) {
            return null;
        }
        // an answer with no upstream host and no flag is the proxy's own: a direct response, a redirect, a black hole
        return orNull(r.upstreamHost()) == null ? "direct_response" : "via_upstream";
    }

    private static boolean perTryTimeout(RequestRecord r) {
        List<String> steps = r.trace();
        for (int i = steps.size() - 1; i >= 0; i--) {
            String s = steps.get(i);
            if (s.contains("route timeout")) {
                return false;
            }
            if (s.contains("per-try timeout")) {
                return true;
            }
        }
        return false;
    }

    private static String orNull(String s) {
        return s == null || s.isEmpty() || s.equals("-") ? null : s;
    }

    private static String v(Map<String, ?> f, String name) {
        Object o = f.get(name);
        if (o == null) {
            return "-";
        }
        String s = o.toString();
        return s.isEmpty() ? "-" : s;
    }
}

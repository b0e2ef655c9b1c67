package dev.loopmesh.dataplane;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;

/** What a proxy needs to know about gRPC: which requests are gRPC and their status, as Envoy reads them. */
final class Grpc {
    static final String STATUS = "grpc-status";
    static final String MESSAGE = "grpc-message";
    static final String CONTENT_TYPE = "application/grpc";
    /** Envoy's MaximumKnown: a grpc-status above 16 (or not a number) reads as InvalidCode, -1. */
    private static final int MAX_KNOWN = 16;

    private Grpc() {
    }

    private static final java.util.List<String> CODES = java.util.List.of("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
            "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
            "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
            "UNAUTHENTICATED");

    /** Istio writes grpcStatus as a name (UNAVAILABLE) or a number; the wire carries the number. */
    static String code(String status) {
        String s = status.trim().toUpperCase(java.util.Locale.ROOT);
        int i = CODES.indexOf(s);
        return i >= 0 ? Integer.toString(i) : s.matches("\\d+") ? s : "2";
    }

    /** Envoy's Grpc::Common::isGrpcRequestHeaders: content-type application/grpc or application/grpc+… */
    static boolean isGrpcRequest(HttpHeaders h) {
        String ct = h.get(HttpHeaderNames.CONTENT_TYPE);
        if (ct == null || !ct.regionMatches(true, 0, CONTENT_TYPE, 0, CONTENT_TYPE.length())) {
            return false;
        }
        return ct.length() == CONTENT_TYPE.length() || ct.charAt(CONTENT_TYPE.length()) == '+'
                || ct.charAt(CONTENT_TYPE.length()) == ';';
    }

    /**
     * Envoy's Grpc::Common::getGrpcStatus(trailers, headers, info): the trailers' grpc-status, else the headers'
     * (a trailers-only answer), else derived from the HTTP status; "" when there was no response (status 0).
     */
    static String status(HttpHeaders headers, HttpHeaders trailers, int httpStatus) {
        String s = trailers == null ? null : trailers.get(STATUS);
        if (s == null || s.isEmpty()) {
            s = headers == null ? null : headers.get(STATUS);
        }
        if (s != null && !s.isEmpty()) {
            return known(s.trim());
        }
        return httpStatus > 0 ? Integer.toString(fromHttp(httpStatus)) : "";
    }

    private static String known(String s) {
        if (s.length() > 2) {
            return "-1";
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return "-1";
            }
        }
        return Integer.parseInt(s) > MAX_KNOWN ? "-1" : s;
    }

    /** Envoy's Grpc::Utility::httpToGrpcStatus, after gRPC's http-grpc-status-mapping.md. */
    static int fromHttp(int httpStatus) {
        switch (httpStatus) {
            case 400:
                return 13; // INTERNAL
            case 401:
                return 16; // UNAUTHENTICATED
            case 403:
                return 7; // PERMISSION_DENIED
            case 404:
                return 12; // UNIMPLEMENTED
            case 429:
            case 502:
            case 503:
            case 504:
                return 14; // UNAVAILABLE
            default:
                return 2; // UNKNOWN
        }
    }

    /** gRPC's percent-encoding of grpc-message: bytes outside printable ASCII, and '%', as %XX. */
    static String percentEncode(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = null;
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = b >= 0x20 && b <= 0x7e && b != '%';
            if (!plain && out == null) {
                out = new StringBuilder(bytes.length + 8).append(message, 0, i);
            }
            if (out != null) {
                if (plain) {
                    out.append((char) b);
                } else {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
                }
            }
        }
        return out == null ? message : out.toString();
    }
}

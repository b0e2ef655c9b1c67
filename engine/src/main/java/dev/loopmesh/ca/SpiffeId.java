package dev.loopmesh.ca;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** SPIFFE identities as Istio writes them: {@code spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>}. */
public final class SpiffeId {
    public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";
    private static final int URI_SAN = 6;

    private SpiffeId() {
    }

    public static String of(String trustDomain, String namespace, String serviceAccount) {
        return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
    }

    /** The identity without the scheme, as AuthorizationPolicy principals are written: {@code cluster.local/ns/default/sa/x}. */
    public static String principal(String spiffeId) {
        return spiffeId.startsWith("spiffe://") ? spiffeId.substring("spiffe://".length()) : spiffeId;
    }

    /** The trust domain of a SPIFFE id, or "" when it is not one. */
    public static String trustDomain(String spiffeId) {
        String p = principal(spiffeId);
        int slash = p.indexOf('/');
        return slash < 0 ? p : p.substring(0, slash);
    }

    /** The namespace part ({@code /ns/<namespace>/}), or "" when absent. */
    public static String namespace(String spiffeId) {
        String p = principal(spiffeId);
        int i = p.indexOf("/ns/");
        if (i < 0) {
            return "";
        }
        int end = p.indexOf('/', i + 4);
        return end < 0 ? p.substring(i + 4) : p.substring(i + 4, end);
    }

    /** The service account part ({@code /sa/<sa>}), or "" when absent. */
    public static String serviceAccount(String spiffeId) {
        String p = principal(spiffeId);
        int i = p.indexOf("/sa/");
        return i < 0 ? "" : p.substring(i + 4);
    }

    /** The one {@code spiffe://} URI SAN of a certificate (SPIFFE allows exactly one), if any. */
    public static Optional<String> fromCertificate(X509Certificate cert) {
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (sans == null) {
            return Optional.empty();
        }
        String found = null;
        for (List<?> san : sans) {
            if (san.size() >= 2 && Integer.valueOf(URI_SAN).equals(san.get(0)) && String.valueOf(san.get(1)).startsWith("spiffe://")) {
                if (found != null) {
                    return Optional.empty();
                }
                found = String.valueOf(san.get(1));
            }
        }
        return Optional.ofNullable(found);
    }
}

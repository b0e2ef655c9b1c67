package dev.loopmesh.ca;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Set;

/** PKIX validation of a chain against the mesh root, at a given time, with no revocation checks. */
public final class ChainValidator {
    private ChainValidator() {
    }

    /**
     * Validates {@code chain} (leaf first, no root) against {@code root} at {@code at}.
     *
     * @throws GeneralSecurityException with the reason when the chain is not valid
     */
    public static void validate(List<X509Certificate> chain, X509Certificate root, Date at) throws GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> path = chain.stream().filter(c -> !c.equals(root)).toList();
        CertPath cp = cf.generateCertPath(path);
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        params.setDate(at);
        CertPathValidator.getInstance("PKIX").validate(cp, params);
    }
}

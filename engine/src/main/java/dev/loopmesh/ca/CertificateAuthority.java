package dev.loopmesh.ca;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The mesh's certificate authority (istiod's CA): signs short-lived ECDSA P-256 workload certificates
 * whose only identity is the SPIFFE URI SAN. The signing key is a generated self-signed root, or an
 * intermediate the user supplies with its root (to reproduce a production chain).
 */
public final class CertificateAuthority {
    /** Backdating protects against small clock differences, as istiod does. */
    static final Duration BACKDATE = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String trustDomain;
    private final X509Certificate root;
    private final X509Certificate signer;
    private final PrivateKey signerKey;
    /** Intermediates between the leaf and the root, nearest to the leaf first; empty when the root signs. */
    private final List<X509Certificate> intermediates;
    private final Clock clock;

    private CertificateAuthority(String trustDomain, X509Certificate root, X509Certificate signer, PrivateKey signerKey,
                                 List<X509Certificate> intermediates, Clock clock) {
        this.trustDomain = requireNonNull(trustDomain, "trustDomain");
        if (trustDomain.isBlank() || trustDomain.contains("/")) {
            throw new IllegalArgumentException("trust domain: `" + trustDomain + "` (expected: a name like cluster.local)");
        }
        this.root = requireNonNull(root, "root");
        this.signer = signer;
        this.signerKey = signerKey;
        this.intermediates = List.copyOf(intermediates);
        this.clock = requireNonNull(clock, "clock");
    }

    /** A fresh self-signed root valid for ten years, as istiod generates when no {@code cacerts} secret exists. */
    public static CertificateAuthority generate(String trustDomain, Clock clock) {
        KeyPair kp = newKeyPair();
        Instant now = clock.instant();
        X509Certificate root = sign(new X500Name("O=" + trustDomain + ",CN=Loopmesh Root CA"),
                new X500Name("O=" + trustDomain + ",CN=Loopmesh Root CA"), kp.getPublic(), kp.getPrivate(),
                now.minus(BACKDATE), now.plus(Duration.ofDays(3650)), true, null, null);
        return new CertificateAuthority(trustDomain, root, root, kp.getPrivate(), List.of(), clock);
    }

    /**
     * A CA that signs with a user-supplied intermediate (or root): {@code certChain} is the signing
     * certificate first, then further intermediates; {@code rootCert} the trust anchor — Istio's
     * {@code cacerts} files {@code ca-cert.pem}, {@code ca-key.pem}, {@code root-cert.pem}, {@code cert-chain.pem}.
     */
    public static CertificateAuthority fromPem(String trustDomain, Path rootCert, Path signingCert, Path signingKey,
                                               Clock clock) {
        X509Certificate rootC = Pem.readCertificates(rootCert).get(0);
        List<X509Certificate> chain = Pem.readCertificates(signingCert);
        PrivateKey key = Pem.readPrivateKey(signingKey);
        return of(trustDomain, rootC, chain, key, clock);
    }

    /** As {@link #fromPem} with the material already read. */
    public static CertificateAuthority of(String trustDomain, X509Certificate root, List<X509Certificate> signingChain,
                                          PrivateKey signingKey, Clock clock) {
        if (signingChain.isEmpty()) {
            throw new IllegalArgumentException("signing chain: empty (expected: the signing certificate first)");
        }
        X509Certificate signer = signingChain.get(0);
        if (signer.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("signing certificate " + signer.getSubjectX500Principal() + " is not a CA (basicConstraints)");
        }
        List<X509Certificate> inter = new ArrayList<>();
        for (X509Certificate c : signingChain) {
            if (!c.equals(root)) {
                inter.add(c);
            }
        }
        CertificateAuthority ca = new CertificateAuthority(trustDomain, root, signer, signingKey, inter, clock);
        ca.verifyChain(ca.intermediates);
        return ca;
    }

    /** Issues a certificate for {@code spiffeId}, valid from now (backdated a minute) for {@code lifetime}. */
    public WorkloadCertificate issue(String spiffeId, Duration lifetime) {
        requireNonNull(spiffeId, "spiffeId");
        if (!spiffeId.startsWith("spiffe://" + trustDomain + "/")) {
            throw new IllegalArgumentException("spiffe id: `" + spiffeId + "` (expected: spiffe://" + trustDomain + "/…)");
        }
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime: " + lifetime + " (expected: > 0)");
        }
        KeyPair kp = newKeyPair();
        Instant now = clock.instant();
        // never outlive the signer: a leaf valid after its issuer is not
        Instant notAfter = now.plus(lifetime);
        Instant signerEnd = signer.getNotAfter().toInstant();
        if (notAfter.isAfter(signerEnd)) {
            notAfter = signerEnd;
        }
        Instant notBefore = now.minus(BACKDATE).isBefore(now.minus(lifetime)) ? now : now.minus(BACKDATE);
        if (lifetime.compareTo(BACKDATE.multipliedBy(10)) < 0) {
            // short test lifetimes: backdating would eat most of them, and rotation works on fractions of the lifetime
            notBefore = now;
        }
        X509Certificate leaf = sign(new X500Name(""), X500Name.getInstance(signer.getSubjectX500Principal().getEncoded()),
                kp.getPublic(), signerKey,
                notBefore, notAfter, false, spiffeId, signer.getPublicKey());
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(intermediates);
        return new WorkloadCertificate(spiffeId, kp.getPrivate(), chain);
    }

    public String trustDomain() {
        return trustDomain;
    }

    public X509Certificate root() {
        return root;
    }

    /** The intermediates a workload sends after its leaf (empty for a root-signed mesh). */
    public List<X509Certificate> intermediates() {
        return intermediates;
    }

    public Clock clock() {
        return clock;
    }

    /** Checks that the intermediates lead to the root at the CA's clock time. */
    private void verifyChain(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return;
        }
        try {
            ChainValidator.validate(chain, root, Date.from(clock.instant()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the signing chain does not lead to the root: " + e.getMessage(), e);
        }
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no ECDSA P-256 in this JVM", e);
        }
    }

    /** Signs a certificate: a CA when {@code ca}, else a workload leaf with the SPIFFE URI SAN. */
    static X509Certificate sign(X500Name subject, X500Name issuer, PublicKey subjectKey, PrivateKey issuerKey,
                                Instant notBefore, Instant notAfter, boolean ca, String spiffeId, PublicKey issuerPublicKey) {
        try {
            BigInteger serial = new BigInteger(127, RANDOM).setBit(126);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial, Date.from(notBefore), Date.from(notAfter),
                    subject, subjectKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            if (issuerPublicKey != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerPublicKey));
            }
            if (ca) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            } else {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                // Istio's workload certificates have an empty subject, so the SAN is critical (RFC 5280 4.2.1.6)
                b.addExtension(Extension.subjectAlternativeName, true,
                        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)));
            }
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot sign a certificate: " + e.getMessage(), e);
        }
    }

    /** A CA certificate signed by this CA, for tests and for users who want a two-level chain. */
    public KeyedCertificate newIntermediate(String commonName, Duration lifetime) {
        KeyPair kp = newKeyPair();
        Instant now = clock.instant();
        X509Certificate c = sign(new X500Name("O=" + trustDomain + ",CN=" + commonName),
                X500Name.getInstance(signer.getSubjectX500Principal().getEncoded()), kp.getPublic(), signerKey,
                now.minus(BACKDATE), now.plus(lifetime), true, null, signer.getPublicKey());
        return new KeyedCertificate(c, kp.getPrivate());
    }

    /** A certificate with its private key. */
    public record KeyedCertificate(X509Certificate certificate, PrivateKey key) {
    }
}

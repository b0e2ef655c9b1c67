package dev.loopmesh.ca;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertificateAuthorityTest {
    static final String REVIEWS = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
    final FakeClock clock = new FakeClock(Instant.parse("2030-01-01T00:00:00Z"));

    @Test
    void workloadCertificateCarriesOnlyTheSpiffeUriSanAndChainsToTheRoot() throws Exception {
        // Istio workload certs: SPIFFE URI SAN spiffe://<trust-domain>/ns/<ns>/sa/<sa>, ECDSA P-256 keys
        CertificateAuthority ca = CertificateAuthority.generate("cluster.local", clock);
        WorkloadCertificate c = ca.issue(REVIEWS, Duration.ofHours(24));
        assertThat(SpiffeId.fromCertificate(c.leaf())).contains(REVIEWS);
        assertThat(c.leaf().getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) c.leaf().getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(c.leaf().getBasicConstraints()).isEqualTo(-1);
        assertThat(c.leaf().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(c.lifetime()).isLessThanOrEqualTo(Duration.ofHours(24).plusMinutes(1));
        ChainValidator.validate(c.chain(), ca.root(), Date.from(clock.instant()));
    }

    @Test
    void aCertificateIsNotValidAfterItsLifetime() {
        CertificateAuthority ca = CertificateAuthority.generate("cluster.local", clock);
        WorkloadCertificate c = ca.issue(REVIEWS, Duration.ofHours(1));
        assertThatThrownBy(() -> ChainValidator.validate(c.chain(), ca.root(), Date.from(clock.instant().plus(Duration.ofHours(2)))))
                .isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void aCertificateOfAnotherRootDoesNotValidate() {
        CertificateAuthority ca = CertificateAuthority.generate("cluster.local", clock);
        CertificateAuthority other = CertificateAuthority.generate("cluster.local", clock);
        WorkloadCertificate c = other.issue(REVIEWS, Duration.ofHours(1));
        assertThatThrownBy(() -> ChainValidator.validate(c.chain(), ca.root(), Date.from(clock.instant())))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void aUserSuppliedRootAndIntermediateFromPemFilesSignTheWorkloads(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // Istio "plug in CA certificates": root-cert.pem, ca-cert.pem, ca-key.pem, cert-chain.pem
        CertificateAuthority rootCa = CertificateAuthority.generate("corp.example", clock);
        CertificateAuthority.KeyedCertificate inter = rootCa.newIntermediate("cluster-1 intermediate", Duration.ofDays(365));
        Files.writeString(dir.resolve("root-cert.pem"), Pem.write(rootCa.root()));
        Files.writeString(dir.resolve("ca-cert.pem"), Pem.write(inter.certificate()));
        Files.writeString(dir.resolve("ca-key.pem"), Pem.write(inter.key()));
        CertificateAuthority ca = CertificateAuthority.fromPem("corp.example", dir.resolve("root-cert.pem"),
                dir.resolve("ca-cert.pem"), dir.resolve("ca-key.pem"), clock);
        WorkloadCertificate c = ca.issue("spiffe://corp.example/ns/shop/sa/cart", Duration.ofHours(24));
        assertThat(c.chain()).hasSize(2);
        assertThat(c.chain().get(1)).isEqualTo(inter.certificate());
        assertThat(c.leaf().getIssuerX500Principal()).isEqualTo(inter.certificate().getSubjectX500Principal());
        ChainValidator.validate(c.chain(), ca.root(), Date.from(clock.instant()));
    }

    @Test
    void theTrustDomainIsConfigurableAndEnforced() {
        CertificateAuthority ca = CertificateAuthority.generate("prod.acme", clock);
        assertThat(SpiffeId.fromCertificate(ca.issue(SpiffeId.of("prod.acme", "ns1", "sa1"), Duration.ofHours(1)).leaf()))
                .contains("spiffe://prod.acme/ns/ns1/sa/sa1");
        assertThatThrownBy(() -> ca.issue(REVIEWS, Duration.ofHours(1))).hasMessageContaining("expected: spiffe://prod.acme/");
    }

    @Test
    void rotationHappensAtEightyPercentOfTheLifetimeWithEventsAndWatchers() {
        CertificateAuthority ca = CertificateAuthority.generate("cluster.local", clock);
        WorkloadIdentities ids = new WorkloadIdentities(ca, Duration.ofHours(24), true);
        List<CaEvent> events = new ArrayList<>();
        ids.addListener(events::add);
        List<WorkloadCertificate> seen = new ArrayList<>();
        WorkloadCertificate first = ids.certificate(REVIEWS);
        ids.watch(REVIEWS, seen::add);
        assertThat(ids.certificate(REVIEWS)).isSameAs(first);
        clock.advance(Duration.ofHours(19));
        assertThat(ids.rotateDue()).isZero();
        clock.advance(Duration.ofMinutes(13)); // 19h13m > 80 % of 24h (19h12m) plus the minute of backdating
        assertThat(ids.rotateDue()).isEqualTo(1);
        WorkloadCertificate second = ids.certificate(REVIEWS);
        assertThat(second.serial()).isNotEqualTo(first.serial());
        assertThat(seen).containsExactly(second);
        assertThat(events).extracting(CaEvent::type).containsExactly(CaEvent.Type.ISSUED, CaEvent.Type.ROTATED);
        assertThat(events.get(1).detail()).contains(first.serial());
    }

    @Test
    void withoutRotationAnExpiredCertificateIsReportedOnce() {
        CertificateAuthority ca = CertificateAuthority.generate("cluster.local", clock);
        WorkloadIdentities ids = new WorkloadIdentities(ca, Duration.ofSeconds(30), false);
        ids.certificate(REVIEWS);
        clock.advance(Duration.ofSeconds(31));
        ids.rotateDue();
        ids.rotateDue();
        assertThat(ids.events()).extracting(CaEvent::type).containsExactly(CaEvent.Type.ISSUED, CaEvent.Type.EXPIRED);
    }

    @Test
    void pemRoundTripsCertificatesAndKeys() {
        CertificateAuthority ca = CertificateAuthority.generate("cluster.local", clock);
        WorkloadCertificate c = ca.issue(REVIEWS, Duration.ofHours(1));
        List<X509Certificate> back = Pem.parseCertificates(Pem.write(c.leaf(), ca.root()));
        assertThat(back).containsExactly(c.leaf(), ca.root());
        assertThat(Pem.parsePrivateKey(Pem.write(c.key())).getEncoded()).isEqualTo(c.key().getEncoded());
    }
}

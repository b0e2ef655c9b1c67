package dev.loopmesh.security;

import dev.loopmesh.ca.CertificateAuthority;
import dev.loopmesh.ca.FakeClock;
import dev.loopmesh.ca.SpiffeId;
import dev.loopmesh.ca.WorkloadCertificate;
import org.junit.jupiter.api.Test;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidatedChainsTest {
    final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    final CertificateAuthority ca = CertificateAuthority.generate("cluster.local", clock);
    final WorkloadCertificate cert = ca.issue(SpiffeId.of("cluster.local", "default", "reviews"), Duration.ofHours(1));
    final ValidatedChains chains = new ValidatedChains(16);

    Date at(Duration after) {
        return Date.from(clock.instant().plus(after));
    }

    @Test
    void aValidatedChainIsRememberedOnlyInsideItsValidityPeriod() throws Exception {
        chains.validate(cert.chain(), ca.root(), at(Duration.ZERO));
        chains.validate(cert.chain(), ca.root(), at(Duration.ofMinutes(30)));
        assertThat(chains.size()).isEqualTo(1);

        // past the leaf's notAfter the remembered result does not apply: PKIX says why
        assertThatThrownBy(() -> chains.validate(cert.chain(), ca.root(), at(Duration.ofHours(2))))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("validity check failed");
    }

    @Test
    void aChainOfAnotherRootIsRefusedEvenWhenItsCertificatesWereSeenBefore() throws Exception {
        chains.validate(cert.chain(), ca.root(), at(Duration.ZERO));
        CertificateAuthority other = CertificateAuthority.generate("cluster.local", clock);

        assertThatThrownBy(() -> chains.validate(cert.chain(), other.root(), at(Duration.ZERO)))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> chains.validate(cert.chain(), other.root(), at(Duration.ZERO)))
                .as("a failure is not remembered as a success")
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void itForgetsEverythingRatherThanGrowPastItsCapacity() throws Exception {
        for (int i = 0; i < 20; i++) {
            List<X509Certificate> chain = ca.issue(SpiffeId.of("cluster.local", "default", "sa" + i), Duration.ofHours(1)).chain();
            chains.validate(chain, ca.root(), at(Duration.ZERO));
        }
        assertThat(chains.size()).isBetween(1, 16);
    }
}

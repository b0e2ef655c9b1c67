package dev.loopmesh.security;

import dev.loopmesh.ca.CaEvent;
import dev.loopmesh.telemetry.EventLog;
import dev.loopmesh.telemetry.MeshEvent;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityEventsTest {
    final EventLog log = new EventLog(Clock.systemUTC(), 100);
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final SecurityEvents events = new SecurityEvents(log, id -> List.of("reviews-v1-0"), nanos::get);

    @Test
    void everyCaEventIsOnTheTimelineWithTheProxiesThatPresentTheIdentity() {
        String id = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
        events.ca(new CaEvent(CaEvent.Type.ISSUED, Instant.EPOCH, id, "0a", Instant.EPOCH.plusSeconds(60), "lifetime PT1M"));
        events.ca(new CaEvent(CaEvent.Type.ROTATED, Instant.EPOCH, id, "0b", Instant.EPOCH.plusSeconds(90), "replaces serial 0a"));
        events.ca(new CaEvent(CaEvent.Type.EXPIRED, Instant.EPOCH, id, "0b", Instant.EPOCH.plusSeconds(90), "no rotation"));
        List<MeshEvent> all = log.after(0);
        assertThat(all).extracting(MeshEvent::kind).containsOnly("ca");
        assertThat(all).extracting(MeshEvent::type).containsExactly("ISSUED", "ROTATED", "EXPIRED");
        assertThat(all.get(1).subject()).isEqualTo(id);
        assertThat(all.get(1).detail()).contains("serial 0b", "replaces serial 0a");
        assertThat(all.get(1).proxies()).containsExactly("reviews-v1-0");
    }

    @Test
    void refusalsOfOneProxyAreReportedOnceASecondWithTheCountLeftOut() {
        for (int i = 0; i < 5; i++) {
            events.refused("httpbin-v1-0", "plaintext refused: PeerAuthentication STRICT");
        }
        events.refused("httpbin-v1-0", "TLS handshake failed: bad certificate");
        events.refused("other-v1-0", "plaintext refused: PeerAuthentication STRICT");
        assertThat(log.after(0)).extracting(MeshEvent::subject).containsExactly("httpbin-v1-0", "httpbin-v1-0", "other-v1-0");
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1001));
        events.refused("httpbin-v1-0", "plaintext refused: PeerAuthentication STRICT");
        List<MeshEvent> all = log.after(0);
        assertThat(all).hasSize(4);
        assertThat(all.get(3).kind()).isEqualTo("mtls");
        assertThat(all.get(3).type()).isEqualTo("REFUSED");
        assertThat(all.get(3).detail()).isEqualTo("plaintext refused: PeerAuthentication STRICT (and 4 more since the last report)");
        assertThat(all.get(3).proxies()).containsExactly("httpbin-v1-0");
        // a TCP connection RBAC closed is an authorization event
        events.refused("db-v1-0", "RBAC: connection denied (denied: no ALLOW policy matched) from spiffe://cluster.local/ns/default/sa/sleep");
        MeshEvent denied = log.after(0).get(4);
        assertThat(denied.kind()).isEqualTo("authz");
        assertThat(denied.type()).isEqualTo("DENIED");
    }
}

package dev.loopmesh.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AccessLogTest {
    private static RequestRecord at(String proxy, String path) {
        return RequestRecord.builder()
                .reporter("source")
                .proxy(proxy)
                .method("GET")
                .path(path)
                .protocol("http")
                .authority("a")
                .status(200)
                .sourceWorkload("a")
                .sourceNamespace("default")
                .destinationWorkload("b")
                .destinationNamespace("default")
                .destinationService("b")
                .destinationVersion("v1")
                .attempts(1)
                .durationMicros(1)
                .build();
    }

    @Test
    void aFollowerThatPassesTheLastSequenceItSawGetsEachRecordOnce() {
        AccessLog log = new AccessLog(5);
        log.record(at("p", "/1"));
        log.record(at("q", "/x"));
        log.record(at("p", "/2"));

        List<AccessLog.Entry> first = log.entries("p", -1, 10);
        assertThat(first).extracting(e -> e.record().path()).containsExactly("/1", "/2");
        long cursor = first.get(first.size() - 1).sequence();

        assertThat(log.entries("p", cursor, 10)).isEmpty();
        log.record(at("p", "/3"));
        log.record(at("p", "/4"));
        assertThat(log.entries("p", cursor, 10)).extracting(e -> e.record().path()).containsExactly("/3", "/4");
        assertThat(log.entries("p", cursor, 1)).extracting(e -> e.record().path()).containsExactly("/3");
    }

    @Test
    void sequencesGrowWithinAProxyAndAreUniqueAcrossTheMesh() {
        AccessLog log = new AccessLog(100);
        for (int i = 0; i < 20; i++) {
            log.record(at(i % 2 == 0 ? "p" : "q", "/" + i));
        }
        List<AccessLog.Entry> p = log.entries("p", 0, 100);
        List<AccessLog.Entry> q = log.entries("q", 0, 100);
        assertThat(p).extracting(AccessLog.Entry::sequence).isSorted().doesNotContainAnyElementsOf(
                q.stream().map(AccessLog.Entry::sequence).toList());
        assertThat(log.lastSequence()).isEqualTo(20);
    }

    @Test
    void theRingKeepsTheLastRecordsAndLastStillReturnsRecords() {
        AccessLog log = new AccessLog(3);
        for (int i = 1; i <= 5; i++) {
            log.record(at("p", "/" + i));
        }
        assertThat(log.last("p", 10)).extracting(RequestRecord::path).containsExactly("/3", "/4", "/5");
        assertThat(log.last("p", 2)).extracting(RequestRecord::path).containsExactly("/4", "/5");
        assertThat(log.entries("p", 1, 10)).extracting(e -> e.record().path()).containsExactly("/3", "/4", "/5");
        assertThat(log.last("nobody", 10)).isEmpty();
    }
}

package dev.loopmesh.app.inspector;

import dev.loopmesh.telemetry.RequestRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestDetailTest {
    @Test
    void aTcpConnectionIsDescribedByItsBytesAndSniNotByAStatus() {
        RequestRecord r = new RequestRecord("source", "tools-v1-0", 0, "", "", "tcp", "", 0, "-", "tools-v1", "default", "",
                "db-v2", "default", "db.default.svc.cluster.local", "", "v2", "default/db tls[0]",
                "outbound|5432|v2|db.default.svc.cluster.local", "127.1.0.5:15006", 0, 12_300, 0, 517, 31, false, "", "",
                "127.0.0.1:40000", List.of(), "", "v2.db.example.com", "127.0.0.1:40001", "127.1.0.2:5432");
        assertThat(RequestDetail.of(r))
                .contains("\"- - -\" 0 - - - \"-\" 517 31 12 - ")
                .contains("TCP connection (TLS, SNI v2.db.example.com): 517 bytes in, 31 bytes out, open 12.3 ms, plaintext")
                .doesNotContain("attempt(s)");
    }
}

package dev.loopmesh.telemetry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AccessLogFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesOneTextFilePerProxyInIstiosFormat() throws IOException {
        RequestRecord r = AccessLogFormatTest.outbound("/reviews/0", 200, "-", "127.0.1.3:9080", List.of());
        try (AccessLogFiles files = new AccessLogFiles(dir.resolve("logs"), AccessLogFiles.Encoding.TEXT)) {
            files.record(r);
            files.record(r);
        }
        assertThat(Files.readAllLines(dir.resolve("logs/productpage-v1-0.log"))).containsExactly(AccessLogFormat.text(r),
                AccessLogFormat.text(r));
    }

    @Test
    void writesJsonLinesWithIstiosFieldNames() throws IOException {
        RequestRecord r = AccessLogFormatTest.outbound("/reviews/0", 503, "UO", "-", List.of());
        AccessLogFiles files = new AccessLogFiles(dir, AccessLogFiles.Encoding.parse("json"));
        files.record(r);
        files.close();
        files.record(r); // after close: dropped, not written

        List<String> lines = Files.readAllLines(files.file("productpage-v1-0"));
        assertThat(lines).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = JsonMapper.builder().build().readValue(lines.get(0), Map.class);
        assertThat(m).containsEntry("response_flags", "UO").containsEntry("response_code", 503).containsKeys(
                AccessLogFormat.ISTIO_JSON_FIELDS.toArray(new String[0]));
        assertThat(files.written()).isEqualTo(1);
        assertThat(files.dropped()).isEqualTo(1);
    }
}

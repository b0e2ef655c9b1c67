package dev.loopmesh.workload;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CallTreeJsonTest {
    @Test
    void aWrittenTreeReadsBackTheSame() {
        CallTree ratings = new CallTree("ratings", "v1", "ratings-v1-0", 503, 12.5, "UF", "upstream \"status\" 503\n", List.of());
        CallTree tree = new CallTree("reviews", "v2", "reviews-v2-0", 200, 20.25, "", "", List.of(ratings));

        CallTree back = CallTreeJson.parse(CallTreeJson.write(tree));

        assertThat(back).isEqualTo(tree);
    }

    @Test
    void theFieldsComeInTheDocumentedOrder() {
        String json = CallTreeJson.write(new CallTree("details", "v1", "details-v1-0", 200, 1, "", "", List.of()));

        assertThat(json).isEqualTo("{\"service\":\"details\",\"version\":\"v1\",\"pod\":\"details-v1-0\",\"status\":200,"
                + "\"durationMs\":1.000,\"responseFlags\":\"\",\"error\":\"\",\"calls\":[]}");
    }

    @Test
    void paddingBringsTheAnswerToTheConfiguredSize() {
        CallTree tree = new CallTree("details", "v1", "details-v1-0", 200, 1, "", "", List.of());

        assertThat(CallTreeJson.write(tree, 1000)).hasSize(1000);
        assertThat(CallTreeJson.parse(CallTreeJson.write(tree, 1000))).isEqualTo(tree);
        assertThat(CallTreeJson.write(tree, 10)).isEqualTo(CallTreeJson.write(tree)); // too small to pad
    }

    @Test
    void durationsAreWrittenAsPercentPoint3fWouldWriteThem() {
        for (double ms : new double[] {0, 0.0004, 0.0005, 0.001, 0.0999, 1, 12.3456, 999.9995, 1234567.891, -0.25, -3.0004}) {
            StringBuilder sb = new StringBuilder();
            CallTreeJson.millis(ms, sb);
            assertThat(sb.toString()).as("%s", ms).isEqualTo(String.format(java.util.Locale.ROOT, "%.3f", ms));
        }
    }

    @Test
    void paddingLongerThanOneChunkIsWhole() {
        CallTree tree = new CallTree("details", "v1", "details-v1-0", 200, 1, "", "", List.of());

        assertThat(CallTreeJson.write(tree, 10_000)).hasSize(10_000);
    }

    @Test
    void aBodyThatIsNoCallTreeParsesAsNull() {
        assertThat(CallTreeJson.parse("no healthy upstream")).isNull();
        assertThat(CallTreeJson.parse("{\"ok\":true}")).isNull();
        assertThat(CallTreeJson.parse("{broken")).isNull();
        assertThat(CallTreeJson.parse("")).isNull();
    }
}

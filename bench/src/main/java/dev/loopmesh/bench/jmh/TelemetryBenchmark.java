package dev.loopmesh.bench.jmh;

import dev.loopmesh.telemetry.EdgeStats;
import dev.loopmesh.telemetry.RequestRecord;
import dev.loopmesh.telemetry.Telemetry;
import dev.loopmesh.telemetry.metrics.IstioMetrics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** What recording one finished request costs: the edge windows, Istio's metrics, and everything the mesh's sink does. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TelemetryBenchmark {
    private final EdgeStats edges = new EdgeStats();
    private final IstioMetrics metrics = new IstioMetrics();
    private final Telemetry telemetry = new Telemetry();
    private RequestRecord record;
    private long n;

    @Setup
    public void setUp() {
        record = record(250);
    }

    /** A request as the client sidecar of productpage reports it (the fields Proxy.recordRequest fills). */
    static RequestRecord record(long micros) {
        return RequestRecord.builder()
                .reporter("source")
                .proxy("productpage-v1-0")
                .startEpochMillis(System.currentTimeMillis())
                .method("GET")
                .path("/reviews/0")
                .protocol("http")
                .authority("reviews:9080")
                .status(200)
                .sourceWorkload("productpage-v1")
                .sourceNamespace("default")
                .destinationWorkload("reviews-v2")
                .destinationNamespace("default")
                .destinationService("reviews.default.svc.cluster.local")
                .destinationVersion("v2")
                .routeName("reviews")
                .upstreamCluster("outbound|9080|v2|reviews.default.svc.cluster.local")
                .upstreamHost("127.1.0.5:15006")
                .attempts(1)
                .durationMicros(micros)
                .upstreamServiceMicros(micros - 40)
                .responseBytes(1024)
                .requestId("5f0c1a2e-7b7d-4c9e-9a3b-3c2d1e0f9a8b")
                .userAgent("Mozilla/5.0")
                .downstreamAddress("127.1.0.3")
                .trace(List.of("+0.0ms route reviews: matches every request → reviews v2",
                        "+0.1ms attempt 1 → reviews-v2-0 (127.1.0.5:15006)", "+0.3ms attempt 1 answered 200"))
                .build();
    }

    @Benchmark
    public void edgeStatsRecord() {
        edges.record(record);
    }

    @Benchmark
    public void istioMetricsRecord() {
        metrics.record(record);
    }

    /** Edges (two views), metrics and the access log: what each proxy hop pays per request today. */
    @Benchmark
    public void telemetryRecordAll() {
        telemetry.record(record);
        if ((++n & 0xFFFF) == 0) {
            telemetry.tick();
        }
    }

    /** Building the record itself (thirty fields and a copied trace list). */
    @Benchmark
    public RequestRecord buildRecord() {
        return record(++n & 1023);
    }
}

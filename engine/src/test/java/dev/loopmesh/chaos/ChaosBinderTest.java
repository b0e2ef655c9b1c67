package dev.loopmesh.chaos;

import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ChaosBinderTest {
    private static final ChaosNames BOOKINFO = new ChaosNames(
            Set.of("ratings-v1-0", "reviews-v1-0", "reviews-v2-0", "details-v1-0", "productpage-v1-0"),
            Set.of("ratings-v1", "reviews-v1", "reviews-v2", "details-v1", "productpage-v1"),
            Set.of("ratings", "reviews", "details", "productpage"));

    private static List<MeshResource> load(String yaml) {
        return new TopologyLoader().loadString("chaos.yaml", yaml).resources();
    }

    @Test
    void bindsChaosDocumentsWithTheirScheduleAndId() {
        ChaosBinder.Result r = ChaosBinder.bind(load("""
                apiVersion: loopmesh.dev/v1
                kind: Chaos
                metadata: {name: kill-ratings}
                spec:
                  start: 10s
                  duration: 20s
                  kill: {pod: ratings-v1-0}
                ---
                apiVersion: loopmesh.dev/v1
                kind: Chaos
                metadata: {name: slow-reviews}
                spec:
                  latency: {from: reviews-v2, to: ratings, latency: 2s, jitter: 100ms, direction: upstream}
                ---
                apiVersion: loopmesh.dev/v1
                kind: Chaos
                metadata: {name: split}
                spec:
                  partition: {between: [reviews, ratings]}
                """), BOOKINFO);
        assertThat(r.problems()).isEmpty();
        assertThat(r.specs()).containsExactly(
                new ChaosSpec("kill-ratings", Duration.ofSeconds(10), Duration.ofSeconds(20), new ChaosFault.KillPod("ratings-v1-0")),
                new ChaosSpec("slow-reviews", Duration.ZERO, null, new ChaosFault.LinkLatency("reviews-v2", "ratings",
                        Duration.ofSeconds(2), Duration.ofMillis(100), Direction.REQUEST)),
                new ChaosSpec("split", Duration.ZERO, null, new ChaosFault.Partition("reviews", "ratings")));
        assertThat(r.specs().get(0).describe()).isEqualTo("kill pod ratings-v1-0 at +10s for 20s");
    }

    @Test
    void problemsArePositionedWithSuggestions() {
        ChaosBinder.Result r = ChaosBinder.bind(load("""
                apiVersion: loopmesh.dev/v1
                kind: Chaos
                metadata: {name: typos}
                spec:
                  durtion: 20s
                  latency: {from: reveiws, to: ratings, latncy: 2s, direction: sideways}
                ---
                apiVersion: loopmesh.dev/v1
                kind: Chaos
                metadata: {name: two}
                spec:
                  kill: ratings-v1-O
                  pause: {pod: ratings-v1-0}
                ---
                apiVersion: loopmesh.dev/v1
                kind: Chaos
                metadata: {name: none}
                spec: {start: 1s}
                """), BOOKINFO);
        assertThat(r.specs()).isEmpty();
        assertThat(r.problems()).extracting(Problem::toString).containsExactly(
                "chaos.yaml:5:3: error LM0601: unknown field `durtion` — did you mean `duration`? (at spec.durtion)",
                "chaos.yaml:6:19: error LM0607: no pod, workload or service `reveiws` in the mesh — did you mean `reviews`? (at spec.latency.from)",
                "chaos.yaml:6:41: error LM0601: unknown field `latncy` — did you mean `latency`? (at spec.latency.latncy)",
                "chaos.yaml:6:64: error LM0604: direction `sideways` (expected one of: request, response, both) (at spec.latency.direction)",
                "chaos.yaml:13:3: error LM0606: more than one fault in one spec (kill, pause): write one Chaos per fault (at spec.pause)",
                "chaos.yaml:18:7: error LM0606: no fault in the spec (expected one of: kill, restart, pause, refuse, latency, bandwidth, reset, stall, slice, partition) (at spec)");
    }

    @Test
    void anUnknownPodIsSuggested() {
        ChaosBinder.Result r = ChaosBinder.parse("{kill: ratings-v1-O}", BOOKINFO);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo("LM0607");
            assertThat(p.message()).contains("did you mean `ratings-v1-0`?");
        });
    }

    @Test
    void aPostBodyIsAJsonSpecOrAWholeDocument() {
        ChaosBinder.Result bare = ChaosBinder.parse("""
                {"duration": "30s", "reset": {"from": "reviews", "to": "ratings", "probability": 0.25}}
                """, BOOKINFO);
        assertThat(bare.problems()).isEmpty();
        assertThat(bare.specs()).containsExactly(new ChaosSpec("", Duration.ZERO, Duration.ofSeconds(30),
                new ChaosFault.LinkReset("reviews", "ratings", 0.25)));

        ChaosBinder.Result doc = ChaosBinder.parse("""
                apiVersion: loopmesh.dev/v1
                kind: Chaos
                metadata: {name: cap}
                spec:
                  bandwidth: {from: productpage, to: details, bytesPerSecond: 1024}
                """, ChaosNames.ANY);
        assertThat(doc.specs()).extracting(ChaosSpec::id).containsExactly("cap");

        ChaosBinder.Result wrongKind = ChaosBinder.parse("{apiVersion: loopmesh.dev/v1, kind: Mesh, spec: {}}", ChaosNames.ANY);
        assertThat(wrongKind.problems()).extracting(Problem::code).contains("LM0609");

        ChaosBinder.Result garbage = ChaosBinder.parse("{kill: [", ChaosNames.ANY);
        assertThat(garbage.specs()).isEmpty();
        assertThat(garbage.problems()).isNotEmpty();
    }

    @Test
    void valuesAreChecked() {
        assertThat(ChaosBinder.parse("{reset: {from: a, to: b, probability: 1.5}}", ChaosNames.ANY).problems())
                .extracting(Problem::code).containsExactly("LM0604");
        assertThat(ChaosBinder.parse("{slice: {from: a, to: b, averageSize: 10, sizeVariation: 10}}", ChaosNames.ANY).problems())
                .extracting(Problem::code).containsExactly("LM0604");
        assertThat(ChaosBinder.parse("{partition: {between: [a]}}", ChaosNames.ANY).problems())
                .extracting(Problem::code).containsExactly("LM0604");
        assertThat(ChaosBinder.parse("{duration: 0s, pause: p}", ChaosNames.ANY).problems())
                .extracting(Problem::code).containsExactly("LM0604");
        assertThat(ChaosBinder.parse("{start: soon, pause: p}", ChaosNames.ANY).problems())
                .extracting(Problem::code).containsExactly("LM0605");
        ChaosBinder.Result restart = ChaosBinder.parse("{duration: 5s, restart: {pod: p, downtime: 2s}}", ChaosNames.ANY);
        assertThat(restart.specs()).hasSize(1);
        assertThat(restart.problems()).singleElement().satisfies(p -> assertThat(p.severity().name()).isEqualTo("WARNING"));
    }
}

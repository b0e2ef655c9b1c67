package dev.loopmesh.topology;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in Bookinfo follows Istio's sample (istio/samples/bookinfo/platform/kube/bookinfo.yaml). */
class BookinfoTest {
    private final Topology bookinfo = new TopologyLoader().builtIn();

    @Test
    void hasTheFourServicesOnPort9080InTheDefaultNamespaceWithTheirServiceAccounts() {
        MeshSpec mesh = bookinfo.mesh();

        assertThat(mesh.namespace()).isEqualTo("default");
        assertThat(mesh.services()).extracting(ServiceSpec::name).containsExactly("productpage", "details", "reviews", "ratings");
        assertThat(mesh.services()).allSatisfy(s -> {
            assertThat(s.port()).isEqualTo(9080);
            assertThat(s.namespace()).isEqualTo("default");
            assertThat(s.workloads()).allSatisfy(w -> assertThat(w.serviceAccount()).isEqualTo("bookinfo-" + s.name()));
        });
        assertThat(mesh.workloads()).extracting(WorkloadSpec::name)
                .containsExactly("productpage-v1", "details-v1", "reviews-v1", "reviews-v2", "reviews-v3", "ratings-v1");
        assertThat(bookinfo.resources()).isEmpty();
        assertThat(bookinfo.files()).isEmpty();
    }

    @Test
    void productpageCallsDetailsOnceAndReviewsTwiceWithinThreeSecondsAndDegrades() {
        BehaviorSpec productpage = workload("productpage-v1").behavior();

        assertThat(productpage.failOnCallError()).isFalse();
        assertThat(productpage.latency()).isEqualTo(new LatencySpec.LogNormal(Duration.ofMillis(15), Duration.ofMillis(60)));
        assertThat(productpage.calls()).hasSize(2);
        CallSpec details = productpage.calls().get(0);
        CallSpec reviews = productpage.calls().get(1);
        assertThat(details.service()).isEqualTo("details");
        assertThat(details.path()).isEqualTo("/details/0");
        assertThat(details.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(details.attempts()).isEqualTo(1);
        assertThat(reviews.service()).isEqualTo("reviews");
        assertThat(reviews.path()).isEqualTo("/reviews/0");
        assertThat(reviews.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(reviews.attempts()).isEqualTo(2);
        assertThat(productpage.calls()).allSatisfy(c -> assertThat(c.propagate()).containsExactly("end-user"));
    }

    @Test
    void reviewsV1CallsNothingWhileV2AndV3CallRatingsWithTheirOwnTimeouts() {
        assertThat(workload("reviews-v1").behavior().calls()).isEmpty();
        CallSpec v2 = workload("reviews-v2").behavior().calls().get(0);
        CallSpec v3 = workload("reviews-v3").behavior().calls().get(0);

        assertThat(List.of(v2, v3)).allSatisfy(c -> {
            assertThat(c.service()).isEqualTo("ratings");
            assertThat(c.path()).isEqualTo("/ratings/0");
            assertThat(c.propagate()).containsExactly("end-user");
        });
        assertThat(v2.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(v3.timeout()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void browsersHitTheIngressAtTenPerSecondAsJasonOneTimeInFive() {
        assertThat(bookinfo.mesh().ingress().routes()).containsExactly(
                new IngressSpec.Route("/", "productpage", "default", bookinfo.mesh().ingress().routes().get(0).position()));
        TrafficClientSpec browsers = bookinfo.mesh().traffic().get(0);

        assertThat(browsers.name()).isEqualTo("browsers");
        assertThat(browsers.target()).isEqualTo("ingress");
        assertThat(browsers.paths()).containsExactly(new TrafficClientSpec.Weighted("/productpage", 1));
        assertThat(browsers.ratePerSecond()).isEqualTo(10);
        assertThat(browsers.headers().get("end-user")).containsExactly(
                new TrafficClientSpec.Weighted("jason", 0.2), new TrafficClientSpec.Weighted("", 0.8));
    }

    @Test
    void positionsPointIntoBookinfoYaml() {
        assertThat(workload("reviews-v2").position().file()).isEqualTo("bookinfo.yaml");
        assertThat(workload("reviews-v2").position().line()).isPositive();
    }

    private WorkloadSpec workload(String name) {
        return bookinfo.mesh().workloads().stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
    }
}

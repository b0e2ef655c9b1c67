package dev.loopmesh.controlplane.istio;

import dev.loopmesh.policy.resilience.ConnectionPoolSettings;
import dev.loopmesh.policy.resilience.RetryBudget;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.loopmesh.controlplane.istio.Translation.translate;
import static org.assertj.core.api.Assertions.assertThat;

/** DestinationRule {@code trafficPolicy.retryBudget} (istio/api#3512) and the retry circuit breaker, as pilot writes them. */
class RetryBudgetBindingTest {
    private static final String ALL = "outbound|9080||reviews.default.svc.cluster.local";
    private static final String V2 = "outbound|9080|v2|reviews.default.svc.cluster.local";

    private static Map<String, ClusterConfig> clusters(String trafficPolicy, String subsetPolicy) {
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews}
                spec:
                  host: reviews
                  trafficPolicy:
                """ + trafficPolicy.indent(4) + """
                  subsets:
                  - name: v2
                    labels: {version: v2}
                """ + (subsetPolicy.isEmpty() ? "" : "    trafficPolicy:\n" + subsetPolicy.indent(6));
        return translate(yaml).get("productpage-v1-0").clusters();
    }

    private static List<Problem> problems(String trafficPolicy) {
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews}
                spec:
                  host: reviews
                  trafficPolicy:
                """ + trafficPolicy.indent(4);
        return new IstioTranslator().validate(TestYaml.resource(yaml), TestYaml.registry());
    }

    @Test
    void anEmptyRetryBudgetTakesIstiosDefaultsOfTwentyPercentAndThree() {
        // istio/istio#59504: an unset percent is 20 %, not 0.2 %; an unset (or 0) minRetryConcurrency is 3
        assertThat(clusters("retryBudget: {}", "").get(ALL).retryBudget()).isEqualTo(RetryBudget.DEFAULT);
        assertThat(clusters("retryBudget: {minRetryConcurrency: 0}", "").get(ALL).retryBudget().minRetryConcurrency()).isEqualTo(3);
        RetryBudget b = clusters("retryBudget: {percent: 40.0, minRetryConcurrency: 5}", "").get(ALL).retryBudget();
        assertThat(b.percent()).isEqualTo(40.0);
        assertThat(b.minRetryConcurrency()).isEqualTo(5);
    }

    @Test
    void aSubsetKeepsTheDestinationRulesBudgetUnlessItSetsItsOwn() {
        // istio/istio#59667: a subset traffic policy without retryBudget must not drop the top-level one
        Map<String, ClusterConfig> c = clusters("retryBudget: {percent: 40, minRetryConcurrency: 5}",
                "connectionPool: {http: {http2MaxRequests: 1000}}");
        assertThat(c.get(V2).retryBudget().percent()).isEqualTo(40.0);
        assertThat(c.get(V2).connectionPool().http2MaxRequests()).isEqualTo(1000);
        c = clusters("retryBudget: {percent: 40}", "retryBudget: {percent: 10}");
        assertThat(c.get(V2).retryBudget().percent()).isEqualTo(10.0);
        assertThat(c.get(ALL).retryBudget().percent()).isEqualTo(40.0);
        assertThat(clusters("loadBalancer: {simple: RANDOM}", "").get(ALL).retryBudget()).isNull();
    }

    @Test
    void zeroConnectionPoolLimitsKeepTheDefaultAsPilotOnlyWritesThresholdsAboveZero() {
        // pilot applyConnectionPool: "if settings.Http.MaxRetries > 0 { threshold.MaxRetries = ... }"
        ConnectionPoolSettings cp = clusters("connectionPool: {tcp: {maxConnections: 0}, http: {maxRetries: 0, "
                + "http1MaxPendingRequests: 0, http2MaxRequests: 0}}", "").get(ALL).connectionPool();
        assertThat(cp.maxRetries()).isEqualTo(ConnectionPoolSettings.UNLIMITED);
        assertThat(cp.maxConnections()).isEqualTo(ConnectionPoolSettings.UNLIMITED);
        assertThat(cp.http1MaxPendingRequests()).isEqualTo(ConnectionPoolSettings.UNLIMITED);
        assertThat(cp.http2MaxRequests()).isEqualTo(ConnectionPoolSettings.UNLIMITED);
        assertThat(clusters("connectionPool: {http: {maxRetries: 2}}", "").get(ALL).connectionPool().maxRetries()).isEqualTo(2);
    }

    @Test
    void badBudgetsAreErrorsAndAnIntervalIsAWarning() {
        assertThat(problems("retryBudget: {percent: 120}")).anyMatch(p -> p.code().equals(IstioCodes.PERCENT_RANGE)
                && p.severity() == Severity.ERROR && p.path().equals("spec.trafficPolicy.retryBudget.percent"));
        assertThat(problems("retryBudget: {minRetryConcurency: 2}")).extracting(Problem::message)
                .anyMatch(m -> m.contains("did you mean `minRetryConcurrency`?"));
        assertThat(problems("retryBudget: {budgetInterval: 10s}")).singleElement()
                .satisfies(p -> assertThat(p.severity()).isEqualTo(Severity.WARNING))
                .satisfies(p -> assertThat(p.message()).contains("budgetInterval 10000ms is not applied"));
        // Istio's PortTrafficPolicy has no retryBudget
        assertThat(problems("portLevelSettings: [{port: {number: 9080}, retryBudget: {}}]"))
                .anyMatch(p -> p.code().equals(IstioCodes.UNKNOWN_FIELD));
        assertThat(clusters("retryBudget: {budgetInterval: 10s}", "").get(ALL).retryBudget().budgetInterval())
                .isEqualTo(Duration.ofSeconds(10));
    }
}

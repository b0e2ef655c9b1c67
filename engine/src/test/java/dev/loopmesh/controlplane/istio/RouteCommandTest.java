package dev.loopmesh.controlplane.istio;

import dev.loopmesh.cli.RouteCommand;
import dev.loopmesh.fixtures.IstioYaml;
import dev.loopmesh.topology.Topology;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RouteCommandTest {
    static final String YAML = Translation.SUBSETS + IstioYaml.reviews("""
            - name: jason
              match: [{headers: {end-user: {exact: jason}}}]
              route: [{destination: {host: reviews, subset: v2}}]
            - route: [{destination: {host: reviews, subset: v1}}]
            """);

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        RouteCommand cmd = new RouteCommand(files -> new Topology(TestYaml.bookinfo(), TestYaml.resources(YAML), List.of(),
                files.stream().map(Object::toString).toList()));
        CommandLine cl = new CommandLine(cmd);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void answersWhichRuleSubsetAndEndpointsARequestGets() {
        Run r = run("bookinfo.yaml", "--from", "productpage-v1", "--header", "end-user=jason", "GET", "http://reviews:9080/reviews/0");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("virtualService: default/reviews rule 0 (name \"jason\")")
                .contains("cluster:        outbound|9080|v2|reviews.default.svc.cluster.local")
                .contains("endpoints:      reviews-v2-0 (")
                .contains("header end-user exact \"jason\" matched → reviews subset v2 (weight 100)");
    }

    @Test
    void printsJsonWithTheMatchedResourceRuleAndSubset() {
        Run r = run("bookinfo.yaml", "--from", "productpage-v1", "--output", "json", "GET", "http://reviews:9080/reviews/0");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("\"virtualService\":\"default/reviews\"", "\"ruleIndex\":1", "\"outcome\":\"ROUTE\"",
                "\"subset\":\"v1\"", "\"endpoints\":[\"reviews-v1-0\"]", "\"cluster\":\"outbound|9080|v1|reviews.default.svc.cluster.local\"",
                "\"trace\":[\"VirtualService default/reviews rule 0 (name \\\"jason\\\") did not match: header end-user absent\"");
    }

    @Test
    void routesFromTheIngressGateway() {
        Run r = run("bookinfo.yaml", "--from", "ingress", "--output", "json", "GET", "http://localhost:8080/productpage");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("\"routeName\":\"ingress\"", "\"endpoints\":[\"productpage-v1-0\"]");
    }

    @Test
    void anUnknownCallerIsBadInput() {
        Run r = run("bookinfo.yaml", "--from", "nobody", "GET", "http://reviews:9080/");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--from: `nobody` is no workload, pod or service of mesh bookinfo");
    }
}

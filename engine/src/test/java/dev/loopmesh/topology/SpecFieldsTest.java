package dev.loopmesh.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one positioned spec reader: positions, paths and both phrasings its callers' messages were written in. */
class SpecFieldsTest {
    private static final SpecFields.Codes CODES = new SpecFields.Codes("LM9901", "LM9902", "LM9903", "LM9904", "LM9905");

    private static YamlNode.Mapping spec(String yaml) {
        return (YamlNode.Mapping) new YamlReader().readString("s.yaml", yaml).get(0);
    }

    @Test
    void loopmeshPhrasingSuggestsWithADashAndNamesIntegerRanges() {
        YamlNode.Mapping m = spec("""
                replicsa: 1
                port: 0
                hosts: web
                wait: {a: 1}
                """);
        SpecFields f = new SpecFields(CODES);
        f.keys(m, "replicas", "port", "hosts", "wait");
        assertThat(f.integer(m, "port", 1, 65535)).isNull();
        assertThat(f.strings(m, "hosts")).isEmpty();
        assertThat(f.duration(m, "wait")).isNull();
        assertThat(f.problems).extracting(Problem::toString).containsExactly(
                "s.yaml:1:1: error LM9901: unknown field `replicsa` — did you mean `replicas`? (at replicsa)",
                "s.yaml:2:7: error LM9904: `port`: 0 is out of range (expected: an integer 1..65535) (at port)",
                "s.yaml:3:8: error LM9902: `hosts` is the value `web` (expected: a list, like [web]) (at hosts)",
                "s.yaml:4:7: error LM9902: `wait` is a map (expected: a duration, like 1s or 250ms) (at wait)");
    }

    @Test
    void istioPhrasingSuggestsInParenthesesAndReadsNumbersAsStrings() {
        YamlNode.Mapping m = spec("""
                subst: v1
                port: 0
                retries: many
                mode: STRICTT
                """);
        SpecFields f = new SpecFields(CODES, SpecFields.Dialect.ISTIO);
        f.keys(m, "subset", "port", "retries", "mode");
        assertThat(f.integer(m, "port", 1, 65535, 7)).isEqualTo(7);
        assertThat(f.integer(m, "retries", 0, 10)).isNull();
        assertThat(f.enumValue(m, "mode", "STRICT", "PERMISSIVE")).isNull();
        assertThat(f.problems).extracting(Problem::toString).containsExactly(
                "s.yaml:1:1: error LM9901: unknown field `subst` (did you mean `subset`?) (at subst)",
                "s.yaml:2:7: error LM9904: `port`: 0 (expected: 1..65535) (at port)",
                "s.yaml:3:10: error LM9902: `retries` is the value `many` (expected: a whole number) (at retries)",
                "s.yaml:4:7: error LM9904: `mode`: `STRICTT` is not valid (did you mean `STRICT`?) (at mode)");
    }

    @Test
    void aMissingFieldIsReportedOnceWhenItsMisspellingAlreadyWas() {
        YamlNode.Mapping m = spec("selecter: {}\n");
        SpecFields f = new SpecFields(CODES);
        f.keys(m, "selector");
        f.requiredMapping(m, "selector", "a LocalRateLimit");
        assertThat(f.problems).hasSize(1);
        int mark = f.problems.size();
        f.required(spec("name: \" \"\n"), "name");
        assertThat(f.errorsSince(mark)).isTrue();
        assertThat(f.problems.get(mark).message()).isEqualTo("`name` is empty");
    }
}

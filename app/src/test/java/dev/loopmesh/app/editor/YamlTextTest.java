package dev.loopmesh.app.editor;

import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class YamlTextTest {

    private static MeshResource parse(String yaml) {
        return new TopologyLoader().loadString("t.yaml", yaml).resources().get(0);
    }

    @Test
    void aResourceWrittenBackParsesToTheSameSpec() {
        for (Snippets.Snippet s : Snippets.ALL) {
            for (MeshResource r : new TopologyLoader().loadString("t.yaml", s.yaml()).resources()) {
                String text = YamlText.of(r);
                MeshResource again = parse(text);

                assertThat(YamlText.plain(again.spec())).as(s.name() + "\n" + text).isEqualTo(YamlText.plain(r.spec()));
                assertThat(again.key()).isEqualTo(r.key());
            }
        }
    }

    @Test
    void quotedNumbersStayStringsAndSpecialStringsAreQuoted() {
        MeshResource r = parse("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: r}
                spec:
                  hosts: ["*"]
                  http:
                  - match: [{headers: {x-port: {exact: "80"}}}]
                    route: [{destination: {host: reviews}}]
                """);

        String text = YamlText.of(r);

        assertThat(text).contains("- \"*\"").contains("exact: \"80\"");
        assertThat(YamlText.plain(parse(text).spec())).isEqualTo(YamlText.plain(r.spec()));
    }

    @Test
    void highlighterFindsKeysStringsNumbersAndComments() {
        String text = "# c\nspec:\n  hosts: [\"a\"]\n  timeout: 7s\n---\n";

        assertThat(YamlHighlighter.tokens(text)).extracting(YamlHighlighter.Token::styleClass)
                .contains("yaml-comment", "yaml-key", "yaml-string", "yaml-number", "yaml-separator");
    }
}

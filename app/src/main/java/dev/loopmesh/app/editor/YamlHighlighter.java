package dev.loopmesh.app.editor;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tokens of YAML text for colouring: keys, strings, numbers and durations, keywords, comments,
 * document separators and punctuation. A lexer by regular expressions: it colours, it does not
 * validate (the engine's parser does that). Pure: the view turns tokens into style spans.
 */
public final class YamlHighlighter {
    /** A run of text and the CSS style class it gets ({@code yaml-key}, {@code yaml-string}, …). */
    public record Token(int start, int end, String styleClass) {
    }

    private static final Pattern TOKENS = Pattern.compile(
            "(?<SEP>^(---|\\.\\.\\.)[ \\t]*$)"
                    + "|(?<COMMENT>(?<=^|[ \\t])#[^\\n]*)"
                    + "|(?<STRING>\"([^\"\\\\\\n]|\\\\.)*\"|'[^'\\n]*')"
                    + "|(?<KEY>[A-Za-z_$][\\w.$/-]*(?=[ \\t]*:([ \\t]|$)))"
                    + "|(?<KEYWORD>\\b(true|false|null|yes|no|True|False)\\b)"
                    + "|(?<NUMBER>(?<![\\w.-])-?\\d+(\\.\\d+)?(ms|s|m|h|%)?(?![\\w.-]))"
                    + "|(?<DASH>^[ \\t]*-(?=[ \\t]))"
                    + "|(?<PUNCT>[{}\\[\\],:|>])",
            Pattern.MULTILINE);

    private YamlHighlighter() {
    }

    public static List<Token> tokens(String text) {
        List<Token> out = new ArrayList<>();
        Matcher m = TOKENS.matcher(text);
        while (m.find()) {
            String style = m.group("SEP") != null ? "yaml-separator"
                    : m.group("COMMENT") != null ? "yaml-comment"
                    : m.group("STRING") != null ? "yaml-string"
                    : m.group("KEY") != null ? "yaml-key"
                    : m.group("KEYWORD") != null ? "yaml-keyword"
                    : m.group("NUMBER") != null ? "yaml-number"
                    : m.group("DASH") != null ? "yaml-dash"
                    : "yaml-punct";
            out.add(new Token(m.start(), m.end(), style));
        }
        return out;
    }
}

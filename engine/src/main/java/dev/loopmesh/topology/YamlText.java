package dev.loopmesh.topology;

import org.snakeyaml.engine.v2.scanner.StreamReader;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Bytes to YAML text: UTF-8 only, printable only, so binary input fails with the position of its first bad byte. */
final class YamlText {
    private YamlText() {
    }

    static String decode(String file, byte[] bytes) {
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF) || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            throw new TopologyException(Problem.error(ProblemCodes.NOT_TEXT, new Position(file, 1, 1), "",
                    "file is UTF-16 (expected: UTF-8 text)"));
        }
        int start = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            out.flip();
            Position at = positionAfter(file, out);
            throw new TopologyException(Problem.error(ProblemCodes.NOT_TEXT, at, "",
                    String.format(Locale.ROOT, "byte 0x%02X is not UTF-8 (expected: a UTF-8 text file; is this a binary file?)",
                            bytes[in.position()] & 0xFF)));
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        checkPrintable(file, text);
        return text;
    }

    /** YAML allows tab, line breaks and printable characters only; NUL and other controls mean "binary". */
    private static void checkPrintable(String file, String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (!StreamReader.isPrintable(cp)) {
                Position at = positionAfter(file, CharBuffer.wrap(text, 0, i));
                String what = cp == 0 ? "NUL byte" : String.format(Locale.ROOT, "control character U+%04X", cp);
                throw new TopologyException(Problem.error(ProblemCodes.NOT_TEXT, at, "",
                        what + " (expected: printable text; is this a binary file?)"));
            }
            i += Character.charCount(cp);
        }
    }

    private static Position positionAfter(String file, CharSequence before) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < before.length(); i++) {
            if (before.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new Position(file, line, column);
    }
}

package dev.loopmesh.telemetry.tracing;

/** Lower-case hex of ids, without String.format. */
final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    static void write(long v, char[] out, int at) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = DIGITS[(int) (v & 0xf)];
            v >>>= 4;
        }
    }

    static String of(long v) {
        char[] c = new char[16];
        write(v, c, 0);
        return new String(c);
    }

    static String of(long high, long low) {
        char[] c = new char[32];
        write(high, c, 0);
        write(low, c, 16);
        return new String(c);
    }

    /** The value of {@code s[from, from+len)} as hex (len <= 16), or -1L with {@code ok[0] = false} when not hex. */
    static long parse(CharSequence s, int from, int len, boolean upperOk, boolean[] ok) {
        long v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else if (upperOk && c >= 'A' && c <= 'F') {
                d = c - 'A' + 10;
            } else {
                ok[0] = false;
                return -1L;
            }
            v = (v << 4) | d;
        }
        return v;
    }
}

package dev.loopmesh.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One blocking request before a configuration is measured: does it answer 200, and how big is the body. */
final class Probe {
    record Answer(int status, int bodyBytes, String head) {
    }

    private Probe() {
    }

    static Answer once(InetSocketAddress address, byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed before the response headers ended");
                }
                head.write(b);
                boolean expected = (matched % 2 == 0) ? b == '\r' : b == '\n';
                matched = expected ? matched + 1 : (b == '\r' ? 1 : 0);
                if (head.size() > ResponseScanner.MAX_HEADER_BYTES) {
                    throw new IOException("response headers too long");
                }
            }
            String h = head.toString(StandardCharsets.ISO_8859_1);
            if (!h.startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP response: " + h.lines().findFirst().orElse(""));
            }
            int status = Integer.parseInt(h.substring(9, 12));
            int length = 0;
            for (String line : h.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            byte[] body = in.readNBytes(length);
            return new Answer(status, body.length, h);
        }
    }
}
